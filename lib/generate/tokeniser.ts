/**
 * The image tokeniser alone: how much a k-means patch codebook loses. PSNR of images rebuilt from
 * their nearest-centroid codes, and codebooks fitted at other sizes on the same patches to compare.
 */
import * as tf from '@tensorflow/tfjs';
import { patchify, unpatchify } from '../core';
import { kmeans, patchCodes } from '../objectives';
import { Rng } from '../random';

/** Mean squared error per pixel value of images [M, H, W, C] (in [0, 1]) against their quantised copies. */
export function quantisationMse(images: tf.Tensor4D, patch: number, codebook: tf.Tensor2D, chunk = 256): number {
  const [M, H, W, C] = images.shape;
  if (codebook.shape[1] !== patch * patch * C) throw new Error(`quantisationMse: codebook is [${codebook.shape}], patches of ${patch}×${patch}×${C} have ${patch * patch * C} values`);
  let sum = 0;
  for (let s = 0; s < M; s += chunk) {
    const n = Math.min(chunk, M - s);
    const err = tf.tidy(() => {
      const x = images.slice([s, 0, 0, 0], [n, H, W, C]);
      const codes = patchCodes(x, patch, codebook); // [n, N]
      const rebuilt = unpatchify(tf.gather(codebook, codes.reshape([-1])).reshape([n, -1, patch * patch * C]) as tf.Tensor3D, patch, H, W, C);
      return rebuilt.sub(x).square().sum();
    });
    sum += err.dataSync()[0];
    err.dispose();
  }
  return sum / images.size;
}

/** A k-means codebook [K, P] fitted on the patches of `images` [M, H, W, C] (Lloyd, `iterations` rounds). */
export function fitPatchCodebook(images: tf.Tensor4D, patch: number, K: number, seed: number, iterations = 10): tf.Tensor2D {
  return tf.tidy(() => {
    const p = patchify(images, patch);
    return kmeans(p.reshape([p.shape[0] * p.shape[1], p.shape[2]]), K, iterations, new Rng(seed));
  });
}
