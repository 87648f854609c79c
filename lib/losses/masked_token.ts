/** Masked-token cross-entropy (BERT MLM, FLAVA MLM/MMM text, M3AE text). */
import * as tf from '@tensorflow/tfjs';
import { rowLabels, softmaxCrossEntropy } from './cross_entropy';
import { checkInt, checkShapes } from './validate';

/** The ignored-label value (PyTorch's `ignore_index` default). */
export const IGNORE_LABEL = -100;

export interface MaskedTokenLossArgs {
  /** [B, T, V] float logits. */
  logits: tf.Tensor3D;
  /** [B, T] int32 target ids; −100 where there is nothing to predict. */
  labels: tf.Tensor2D;
}

/**
 * Mean CE over the labelled tokens (PyTorch `cross_entropy(ignore_index=-100)`).
 * Throws when no token is labelled.
 * @returns scalar loss
 */
export function maskedTokenLoss({ logits, labels }: MaskedTokenLossArgs): tf.Scalar {
  const { B, T, V } = checkShapes('maskedTokenLoss', { logits: [logits, 'B T V'], labels: [labels, 'B T'] });
  checkInt('maskedTokenLoss', 'labels', labels);
  const rows = rowLabels('maskedTokenLoss', 'labels', labels.dataSync(), V, (l) => l === IGNORE_LABEL);
  return tf.tidy(() => softmaxCrossEntropy(tf.reshape(logits, [B * T, V]), rows));
}
