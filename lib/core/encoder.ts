/** The one transformer encoder: a stack of pre-LN blocks and a final LayerNorm. */
import * as tf from '@tensorflow/tfjs';
import { BlockConfig, BlockInputs, TransformerBlock, withBiases } from './block';
import { ForwardContext, LayerNorm } from './layers';
import { ParamStore } from './params';

export interface EncoderConfig extends BlockConfig {
  depth: number;
}

export interface EncoderOutput {
  /** Final hidden state after the last LayerNorm, [B, T, D]. */
  last: tf.Tensor3D;
  /** Every block's output (before the final norm), when asked for. */
  hidden?: tf.Tensor3D[];
}

export class TransformerEncoder {
  readonly blocks: TransformerBlock[];
  readonly norm: LayerNorm;

  constructor(store: ParamStore, readonly name: string, readonly cfg: EncoderConfig) {
    if (!(cfg.depth >= 0)) throw new Error(`${name}: depth must be >= 0, got ${cfg.depth}`);
    this.blocks = Array.from({ length: cfg.depth }, (_, i) => new TransformerBlock(store, `${name}.blocks.${i}`, cfg));
    this.norm = new LayerNorm(store, `${name}.norm`, cfg.dim, cfg.layerNormEps ?? 1e-6);
  }

  /** x [B, T, D] -> last [B, T, D] (and every layer's [B, T, D] with `allHidden`). */
  apply(x: tf.Tensor3D, inputs: BlockInputs, ctx: ForwardContext, allHidden = false): EncoderOutput {
    const hidden: tf.Tensor3D[] = [];
    const shared = withBiases(x, inputs); // masks -> logit biases once, not once per block
    let h = x;
    for (const block of this.blocks) {
      h = block.apply(h, shared, ctx);
      if (allHidden) hidden.push(h);
    }
    const last = this.norm.apply(h) as tf.Tensor3D;
    return allHidden ? { last, hidden } : { last };
  }
}
