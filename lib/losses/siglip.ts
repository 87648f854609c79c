/** SigLIP's pairwise sigmoid loss (open_clip `SigLipLoss`, one device). */
import * as tf from '@tensorflow/tfjs';
import { checkShapes, ScalarLike, toScalar } from './validate';

export interface SiglipLossArgs {
  /** [B, D] L2-normalised image embeddings. */
  imageEmb: tf.Tensor2D;
  /** [B, D] L2-normalised text embeddings; row i pairs with imageEmb row i. */
  textEmb: tf.Tensor2D;
  /** Already exponentiated scale t (SigLIP starts at 10): number or tf.Scalar. */
  logitScale: ScalarLike;
  /** Bias b (SigLIP starts at −10): number or tf.Scalar. */
  logitBias: ScalarLike;
}

/**
 * −(1/B) Σᵢⱼ log σ(zᵢⱼ(t·IᵢTⱼ + b)), z = +1 on the diagonal, −1 off it; divided by B, not B².
 * log σ(x) is written −softplus(−x): tf.logSigmoid throws in backprop on computed inputs (tfjs 4.22).
 * @returns scalar loss
 */
export function siglipLoss({ imageEmb, textEmb, logitScale, logitBias }: SiglipLossArgs): tf.Scalar {
  const { B } = checkShapes('siglipLoss', { imageEmb: [imageEmb, 'B D'], textEmb: [textEmb, 'B D'] });
  return tf.tidy(() => {
    const t = toScalar('siglipLoss', 'logitScale', logitScale);
    const b = toScalar('siglipLoss', 'logitBias', logitBias);
    const logits = tf.add(tf.mul(tf.matMul(imageEmb, textEmb, false, true), t), b); // [B, B]
    const z = tf.sub(tf.mul(tf.eye(B), 2), 1); // [B, B]: +1 matched, −1 not
    // −log σ(z·logits) = softplus(−z·logits)
    return tf.div(tf.sum(tf.softplus(tf.neg(tf.mul(z, logits)))), B) as tf.Scalar;
  });
}
