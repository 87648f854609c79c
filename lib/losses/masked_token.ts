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
  /**
   * Divide the summed loss by this instead of the count of scored positions here: a data-parallel
   * shard passes its share of the whole batch's count (then a shard scoring nothing gives 0).
   */
  denominator?: number;
}

/**
 * Mean CE over the labelled tokens (PyTorch `cross_entropy(ignore_index=-100)`).
 * Throws when no token is labelled.
 * @returns scalar loss
 */
export function maskedTokenLoss({ logits, labels, denominator }: MaskedTokenLossArgs): tf.Scalar {
  const { B, T, V } = checkShapes('maskedTokenLoss', { logits: [logits, 'B T V'], labels: [labels, 'B T'] });
  checkInt('maskedTokenLoss', 'labels', labels);
  const rows = rowLabels('maskedTokenLoss', 'labels', labels.dataSync(), V, (l) => l === IGNORE_LABEL, denominator !== undefined);
  return tf.tidy(() => softmaxCrossEntropy(tf.reshape(logits, [B * T, V]), rows, denominator));
}

export interface LabelledHeadLossArgs {
  /** [B, T, D] hidden states the head reads. */
  hidden: tf.Tensor3D;
  /** [B, T] int32 target ids; −100 where there is nothing to predict. */
  labels: tf.Tensor2D;
  /** A position-wise head, [1, K, D] -> [1, K, V] (e.g. the MLM head's transform and decoder). */
  head: (rows: tf.Tensor3D) => tf.Tensor3D;
  /**
   * Divide the summed loss by this instead of the count of scored positions here: a data-parallel
   * shard passes its share of the whole batch's count (then a shard scoring nothing gives 0).
   */
  denominator?: number;
}

/**
 * maskedTokenLoss({ logits: head(hidden), labels }) with the head run on the labelled positions
 * only, as FLAVA's MLM head selects the masked tokens first: the same mean CE (the head works row
 * by row) at ~15 % of the head's products and of the softmax over V for BERT-rate masks.
 * Throws when no token is labelled.
 * @returns scalar loss
 */
export function labelledHeadLoss({ hidden, labels, head, denominator }: LabelledHeadLossArgs): tf.Scalar {
  const { B, T, D } = checkShapes('labelledHeadLoss', { hidden: [hidden, 'B T D'], labels: [labels, 'B T'] });
  checkInt('labelledHeadLoss', 'labels', labels);
  const flat = labels.dataSync();
  const at: number[] = [];
  flat.forEach((l, i) => l !== IGNORE_LABEL && at.push(i));
  // a zero still tied to `hidden`, so a shard that scores nothing still differentiates
  if (at.length === 0 && denominator !== undefined) return tf.tidy(() => tf.mul(tf.sum(hidden), 0) as tf.Scalar);
  if (at.length === 0) throw new Error('labelledHeadLoss: labels labels nothing (every position is ignored): no loss to compute');
  return tf.tidy(() => {
    const rows = tf.gather(tf.reshape(hidden, [B * T, D]), tf.tensor1d(at, 'int32')).reshape([1, at.length, D]) as tf.Tensor3D;
    const logits = head(rows);
    const V = logits.shape[2];
    const picked = rowLabels('labelledHeadLoss', 'labels', at.map((i) => flat[i]), V, () => false);
    return softmaxCrossEntropy(tf.reshape(logits, [at.length, V]), picked, denominator);
  });
}
