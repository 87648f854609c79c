/** Token-wise and pooled classifiers: MLM (BERT's transform + decoder), MIM tokens, ITM. */
import * as tf from '@tensorflow/tfjs';
import { LayerNorm, Linear, ParamStore, gelu } from '../core';

/** BERT's MLM head: dense + GELU + LayerNorm, then a decoder to V classes. [..., D] -> [..., V] */
export class TokenClassifier {
  readonly dense: Linear;
  readonly norm: LayerNorm;
  readonly decoder: Linear;

  constructor(store: ParamStore, name: string, dim: number, numClasses: number) {
    this.dense = new Linear(store, `${name}.dense`, dim, dim);
    this.norm = new LayerNorm(store, `${name}.norm`, dim);
    this.decoder = new Linear(store, `${name}.decoder`, dim, numClasses);
  }

  /** hidden [B, T, D] -> logits [B, T, V] */
  apply(hidden: tf.Tensor3D): tf.Tensor3D {
    return this.decoder.apply(this.norm.apply(gelu(this.dense.apply(hidden)))) as tf.Tensor3D;
  }
}

/** ITM head: pooled fused state [B, D] -> logits [B, 2] (index 1 = matched). */
export class ItmHead {
  readonly fc: Linear;

  constructor(store: ParamStore, name: string, dim: number) {
    this.fc = new Linear(store, `${name}.fc`, dim, 2);
  }

  apply(pooled: tf.Tensor2D): tf.Tensor2D {
    return this.fc.apply(pooled) as tf.Tensor2D;
  }
}
