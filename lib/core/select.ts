/** Row selection inside each sample, differentiable on wasm (flat gather, no batchDims). */
import * as tf from '@tensorflow/tfjs';

/**
 * x [B, N, D], idx int32 [B, K] (indices into N, per sample) -> [B, K, D].
 * Gathers rows of the flattened [B·N, D] with per-sample offsets b·N, so the gradient goes
 * through UnsortedSegmentSum (installed on wasm by mvlm's backend).
 */
export function gatherTokens(x: tf.Tensor3D, idx: tf.Tensor2D): tf.Tensor3D {
  const [B, N, D] = x.shape;
  if (idx.shape[0] !== B) throw new Error(`gatherTokens: idx is [${idx.shape}] but x is [${x.shape}]`);
  const K = idx.shape[1];
  return tf.tidy(() => {
    const offsets = tf.range(0, B * N, N, 'int32').reshape([B, 1]); // [B, 1]
    const flatIdx = idx.toInt().add(offsets).reshape([B * K]); // [B, K] -> [B·K]
    return tf.gather(x.reshape([B * N, D]), flatIdx).reshape([B, K, D]) as tf.Tensor3D;
  });
}

/** Rows of x [B, T, D] at position `t` -> [B, D]. */
export function tokenAt(x: tf.Tensor3D, t: number): tf.Tensor2D {
  const [B, , D] = x.shape;
  return x.slice([0, t, 0], [B, 1, D]).reshape([B, D]);
}

/** Mean over positions where mask [B, T] is 1: x [B, T, D] -> [B, D]. */
export function maskedMean(x: tf.Tensor3D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const m = mask.toFloat().expandDims(2); // [B, T, 1]
    return x.mul(m).sum(1).div(m.sum(1).maximum(1e-6)) as tf.Tensor2D;
  });
}

/** L2-normalise rows of x [B, D]. */
export function l2Normalize(x: tf.Tensor2D, eps = 1e-6): tf.Tensor2D {
  return tf.tidy(() => x.div(x.square().sum(-1, true).sqrt().maximum(eps)) as tf.Tensor2D);
}
