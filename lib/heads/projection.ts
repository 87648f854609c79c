/** Projection to the joint contrastive space, L2-normalised (CLIP's text/visual projection). */
import * as tf from '@tensorflow/tfjs';
import { Linear, ParamStore, l2Normalize } from '../core';

export class Projection {
  readonly proj: Linear;

  constructor(store: ParamStore, name: string, inDim: number, embedDim: number) {
    this.proj = new Linear(store, `${name}.proj`, inDim, embedDim, { bias: false });
  }

  /** pooled [B, D] -> unit-norm embeddings [B, E] */
  apply(pooled: tf.Tensor2D): tf.Tensor2D {
    return l2Normalize(this.proj.apply(pooled) as tf.Tensor2D);
  }
}
