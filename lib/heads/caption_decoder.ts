/** CoCa-style caption decoder: causal text blocks cross-attending to image tokens, then logits. */
import * as tf from '@tensorflow/tfjs';
import { ForwardContext, Linear, ParamStore, TransformerEncoder } from '../core';

export interface CaptionDecoderConfig {
  width: number;
  imageWidth: number;
  depth: number;
  heads: number;
  vocabSize: number;
  mlpRatio?: number;
}

export class CaptionDecoder {
  readonly blocks: TransformerEncoder;
  readonly logits: Linear;

  constructor(store: ParamStore, name: string, cfg: CaptionDecoderConfig) {
    this.blocks = new TransformerEncoder(store, `${name}.enc`, {
      dim: cfg.width,
      heads: cfg.heads,
      depth: cfg.depth,
      mlpRatio: cfg.mlpRatio ?? 4,
      cross: true,
      contextDim: cfg.imageWidth,
    });
    this.logits = new Linear(store, `${name}.logits`, cfg.width, cfg.vocabSize);
  }

  /** text embeddings [B, T, D], image states [B, S, Di], attention [B, T] -> logits [B, T, V] */
  apply(text: tf.Tensor3D, image: tf.Tensor3D, attention: tf.Tensor2D, ctx: ForwardContext): tf.Tensor3D {
    const h = this.blocks.apply(text, { causal: true, keyMask: attention, context: image }, ctx).last;
    return this.logits.apply(h) as tf.Tensor3D;
  }
}
