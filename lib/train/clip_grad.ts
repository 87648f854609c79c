/**
 * Global-norm gradient clipping (torch.nn.utils.clip_grad_norm_): every gradient is scaled by
 * min(1, maxNorm / (‖g‖ + 1e-6)), where ‖g‖ is the L2 norm over all gradients together.
 * The norm stays a tensor: reading it every step would stall the pipeline.
 */
import * as tf from '@tensorflow/tfjs';

export type NamedGrads = Record<string, tf.Tensor>;

/** Scalar global L2 norm over every tensor in `grads` (any shapes). */
export function globalNorm(grads: NamedGrads): tf.Scalar {
  return tf.tidy(() => {
    const sq = Object.values(grads).map((g) => tf.sum(tf.square(g)));
    if (sq.length === 0) return tf.scalar(0);
    return tf.sqrt(tf.addN(sq)) as tf.Scalar;
  });
}

/**
 * Clip `grads` to global norm `maxNorm` (Infinity or <= 0 = no clipping, norm still computed).
 * Returns new tensors (the caller disposes them and `norm`); the inputs are not disposed.
 */
export function clipByGlobalNorm(grads: NamedGrads, maxNorm: number): { grads: NamedGrads; norm: tf.Scalar } {
  return tf.tidy(() => {
    const norm = globalNorm(grads);
    const out: NamedGrads = {};
    if (!(maxNorm > 0) || maxNorm === Infinity) {
      for (const [k, g] of Object.entries(grads)) out[k] = g.clone();
      return { grads: out, norm };
    }
    const scale = tf.minimum(1, tf.div(maxNorm, tf.add(norm, 1e-6)));
    for (const [k, g] of Object.entries(grads)) out[k] = tf.mul(g, scale);
    return { grads: out, norm };
  });
}
