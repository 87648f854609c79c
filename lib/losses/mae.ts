/** MAE's reconstruction loss (facebookresearch/mae `forward_loss`). */
import * as tf from '@tensorflow/tfjs';
import { checkShapes } from './validate';

export interface MaeLossArgs {
  /** [B, N, P] predicted patch pixels (P = p·p·C, MAE order; see `patchify`). */
  pred: tf.Tensor3D;
  /** [B, N, P] target patches, e.g. `patchify(images, p)`; data, never differentiated. */
  target: tf.Tensor3D;
  /** [B, N] float, 1 = masked (loss counted there), 0 = visible. */
  mask: tf.Tensor2D;
  /** Normalise each target patch by its mean and unbiased variance + 1e-6 (MAE's norm_pix_loss). */
  normPix?: boolean;
}

/** Treat `x` as a constant: tfjs has no stopGradient, so a custom gradient of zeros. */
const asData = tf.customGrad((...args) => ({
  value: tf.clone(args[0] as tf.Tensor),
  gradFunc: (dy: tf.Tensor) => tf.zerosLike(dy),
}));

/**
 * MSE per patch (mean over P), averaged over masked patches: Σ(loss·mask) / Σmask.
 * Throws when the mask has no masked patch (nothing to reconstruct).
 * @returns scalar loss
 */
export function maeLoss({ pred, target, mask, normPix = false }: MaeLossArgs): tf.Scalar {
  const { P } = checkShapes('maeLoss', { pred: [pred, 'B N P'], target: [target, 'B N P'], mask: [mask, 'B N'] });
  if (normPix && P < 2) throw new Error(`maeLoss: normPix needs P ≥ 2 values per patch for an unbiased variance, got P=${P}`);
  const masked = tf.tidy(() => tf.sum(mask).dataSync()[0]);
  if (!(masked > 0)) {
    throw new Error(`maeLoss: mask [${mask.shape.join(',')}] has no masked patch (sum ${masked}): nothing to reconstruct`);
  }
  return tf.tidy(() => {
    let goal = asData(target) as tf.Tensor3D;
    if (normPix) {
      const { mean, variance } = tf.moments(goal, -1, true); // [B, N, 1], biased
      const unbiased = tf.mul(variance, P / (P - 1));
      goal = tf.div(tf.sub(goal, mean), tf.sqrt(tf.add(unbiased, 1e-6)));
    }
    const perPatch = tf.mean(tf.squaredDifference(pred, goal), -1); // [B, N]
    return tf.div(tf.sum(tf.mul(perPatch, tf.cast(mask, 'float32'))), masked) as tf.Scalar;
  });
}
