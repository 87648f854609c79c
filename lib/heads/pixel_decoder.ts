/**
 * MAE's light pixel decoder: embed the encoder's CLS and visible states, append mask tokens,
 * restore patch order, add fixed 2-D positions, a few blocks over [CLS; patches], and predict
 * every patch's pixels.
 */
import * as tf from '@tensorflow/tfjs';
import { FixedPositions2d, ForwardContext, Linear, ParamStore, TransformerEncoder, gatherTokens, repeatToken } from '../core';

export interface PixelDecoderConfig {
  inDim: number;
  width: number;
  depth: number;
  heads: number;
  /** Patch grid side (N = grid²) and values per patch P = p·p·C. */
  grid: number;
  patchValues: number;
  mlpRatio?: number;
}

export class PixelDecoder {
  readonly embed: Linear;
  readonly maskToken: tf.Variable;
  readonly positions: FixedPositions2d;
  readonly blocks: TransformerEncoder;
  readonly pred: Linear;
  readonly numPatches: number;

  constructor(store: ParamStore, name: string, readonly cfg: PixelDecoderConfig) {
    this.numPatches = cfg.grid * cfg.grid;
    this.embed = new Linear(store, `${name}.embed`, cfg.inDim, cfg.width);
    this.maskToken = store.get(`${name}.maskToken`, [1, 1, cfg.width], { kind: 'truncatedNormal', std: 0.02 }, { decay: false });
    this.positions = new FixedPositions2d(store, `${name}.pos`, cfg.grid, cfg.grid, cfg.width);
    this.blocks = new TransformerEncoder(store, `${name}.enc`, {
      dim: cfg.width,
      heads: cfg.heads,
      depth: cfg.depth,
      mlpRatio: cfg.mlpRatio ?? 4,
    });
    this.pred = new Linear(store, `${name}.pred`, cfg.width, cfg.patchValues);
  }

  /**
   * visible [B, 1+K, Din] (CLS first, patches in shuffle order), restore int32 [B, N]
   * -> predicted patches [B, N, P] in patch order.
   * As MAE's forward_decoder: the CLS state goes through the decoder blocks with the patches (its
   * position embedding is MAE's zero row) and only its prediction is dropped at the end.
   */
  apply(visible: tf.Tensor3D, restore: tf.Tensor2D, ctx: ForwardContext): tf.Tensor3D {
    const [B, L] = visible.shape;
    const K = L - 1;
    const N = this.numPatches;
    const D = this.cfg.width;
    if (restore.shape[0] !== B || restore.shape[1] !== N) {
      throw new Error(`PixelDecoder: restore is [${restore.shape}], expected [${B}, ${N}] for visible [${visible.shape}]`);
    }
    const x = this.embed.apply(visible) as tf.Tensor3D; // [B, 1+K, Dd]
    const cls = x.slice([0, 0, 0], [B, 1, D]);
    const patches = x.slice([0, 1, 0], [B, K, D]);
    const masks = repeatToken(this.maskToken, B, N - K);
    // [B, K + (N-K), Dd] in shuffle order -> patch order
    const full = gatherTokens(tf.concat([patches, masks], 1) as tf.Tensor3D, restore);
    const h = this.blocks.apply(tf.concat([cls, this.positions.apply(full)], 1) as tf.Tensor3D, {}, ctx).last; // [B, 1+N, Dd]
    return this.pred.apply(h.slice([0, 1, 0], [B, N, D])) as tf.Tensor3D; // the CLS prediction dropped
  }
}
