/**
 * Causal text decoder: causal blocks, optionally cross-attending to image tokens (CoCa's caption
 * decoder), then logits. Without `imageWidth` it is a plain decoder-only LM body (mvlm's small LM).
 */
import * as tf from '@tensorflow/tfjs';
import { ForwardContext, Linear, ParamStore, TransformerEncoder } from '../core';

export interface CaptionDecoderConfig {
  width: number;
  /** Width of the image tokens cross-attention reads; leave out for a decoder without cross-attention. */
  imageWidth?: number;
  depth: number;
  heads: number;
  vocabSize: number;
  mlpRatio?: number;
}

export class CaptionDecoder {
  readonly blocks: TransformerEncoder;
  readonly logits: Linear;

  constructor(store: ParamStore, name: string, readonly cfg: CaptionDecoderConfig) {
    const cross = cfg.imageWidth !== undefined;
    this.blocks = new TransformerEncoder(store, `${name}.enc`, {
      dim: cfg.width,
      heads: cfg.heads,
      depth: cfg.depth,
      mlpRatio: cfg.mlpRatio ?? 4,
      ...(cross ? { cross: true, contextDim: cfg.imageWidth } : {}),
    });
    this.logits = new Linear(store, `${name}.logits`, cfg.width, cfg.vocabSize);
  }

  /**
   * text embeddings [B, T, D], image states [B, S, Di] (null without cross-attention), attention
   * [B, T] (1 = real key) -> logits [B, T, V]; position t sees positions 0..t only.
   */
  apply(text: tf.Tensor3D, image: tf.Tensor3D | null, attention: tf.Tensor2D, ctx: ForwardContext): tf.Tensor3D {
    const cross = this.cfg.imageWidth !== undefined;
    if (cross !== (image !== null)) {
      throw new Error(`caption decoder ${cross ? 'cross-attends and needs image states [B, S, Di]' : 'has no cross-attention: pass image = null'}`);
    }
    const h = this.blocks.apply(text, { causal: true, keyMask: attention, ...(image ? { context: image } : {}) }, ctx).last;
    return this.logits.apply(h) as tf.Tensor3D;
  }
}
