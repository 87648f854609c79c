/**
 * Discrete MIM targets without a dVAE: a k-means codebook over raw patches, fitted on training
 * images (the offline stand-in for FLAVA's dVAE, as iGPT's colour clusters). Targets are nearest
 * centroids, computed from data only (no gradient reaches them).
 */
import * as tf from '@tensorflow/tfjs';
import { patchify } from '../core';
import { Rng } from '../random';

/** patches [M, P] -> centroids [K, P] by Lloyd's algorithm from K distinct random patches. */
export function kmeans(patches: tf.Tensor2D, K: number, iterations: number, rng: Rng): tf.Tensor2D {
  const M = patches.shape[0];
  if (M < K) throw new Error(`kmeans: need at least K=${K} patches, got ${M}`);
  const init = rng.permutation(M).slice(0, K);
  let centroids = tf.tidy(() => tf.gather(patches, tf.tensor1d(init, 'int32')) as tf.Tensor2D);
  for (let it = 0; it < iterations; it++) {
    const next = tf.tidy(() => {
      const ids = nearestCentroid(patches, centroids); // [M]
      const onehot = tf.oneHot(ids, Math.max(K, 2)).slice([0, 0], [M, K]).toFloat(); // [M, K]
      const counts = onehot.sum(0).expandDims(1); // [K, 1]
      const sums = tf.matMul(onehot, patches, true, false); // [K, P]
      // empty clusters keep their old centroid
      return tf.where(counts.greater(0), sums.div(counts.maximum(1)), centroids) as tf.Tensor2D;
    });
    centroids.dispose();
    centroids = next;
  }
  return centroids;
}

/** Index of the nearest centroid per row: x [M, P], centroids [K, P] -> int32 [M]. */
export function nearestCentroid(x: tf.Tensor2D, centroids: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    // ‖x − c‖² = ‖x‖² − 2x·c + ‖c‖² ; ‖x‖² is constant per row
    const scores = tf.matMul(x, centroids, false, true).mul(2).sub(centroids.square().sum(1).expandDims(0));
    return scores.argMax(1) as tf.Tensor1D;
  });
}

/** Codebook ids of every patch: images [B, H, W, C] -> int32 [B, N]. */
export function patchCodes(images: tf.Tensor4D, patch: number, codebook: tf.Tensor2D): tf.Tensor2D {
  return tf.tidy(() => {
    const p = patchify(images, patch); // [B, N, P]
    const [B, N, P] = p.shape;
    return nearestCentroid(p.reshape([B * N, P]), codebook).reshape([B, N]) as tf.Tensor2D;
  });
}
