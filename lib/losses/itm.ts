/** Image-text matching: binary classification of (image, text) pairs, plus ALBEF/BLIP hard negatives. */
import * as tf from '@tensorflow/tfjs';
import { rowLabels, softmaxCrossEntropy } from './cross_entropy';
import { IGNORE_LABEL } from './masked_token';
import { checkInt, checkShapes } from './validate';

export interface ItmLossArgs {
  /** [N, 2] logits (class 1 = matched, 0 = not). */
  logits: tf.Tensor2D;
  /** [N] int32 labels in {0, 1} (−100 ignored, as in PyTorch's cross_entropy). */
  labels: tf.Tensor1D;
}

/**
 * Mean CE of the ITM head's two-way logits.
 * @returns scalar loss
 */
export function itmLoss({ logits, labels }: ItmLossArgs): tf.Scalar {
  checkShapes('itmLoss', { logits: [logits, 'N 2'], labels: [labels, 'N'] });
  checkInt('itmLoss', 'labels', labels);
  const rows = rowLabels('itmLoss', 'labels', labels.dataSync(), 2, (l) => l === IGNORE_LABEL);
  return tf.tidy(() => softmaxCrossEntropy(logits, rows));
}
