/** Captioning (CoCa/BLIP decoder): next-token cross-entropy with padding ignored. */
import * as tf from '@tensorflow/tfjs';
import { rowLabels, softmaxCrossEntropy } from './cross_entropy';
import { checkInt, checkShapes } from './validate';

export interface CaptionLossArgs {
  /** [B, T, V] decoder logits; position t predicts token t+1. */
  logits: tf.Tensor3D;
  /** [B, T] int32 token ids (starting with BOS). */
  tokens: tf.Tensor2D;
  /** Padding id: positions whose target is padId are ignored. */
  padId: number;
  /**
   * Divide the summed loss by this instead of the count of scored positions here: a data-parallel
   * shard passes its share of the whole batch's count (then a shard scoring nothing gives 0).
   */
  denominator?: number;
}

/**
 * Mean CE of logits[:, :-1] against tokens[:, 1:], over targets ≠ padId. Runs on the full
 * [B·T, V] logits with the last position of each row weighted 0 (no slice copy of the logits).
 * Throws when no target is left (T < 2, or all padding).
 * @returns scalar loss
 */
export function captionLoss({ logits, tokens, padId, denominator }: CaptionLossArgs): tf.Scalar {
  const { B, T, V } = checkShapes('captionLoss', { logits: [logits, 'B T V'], tokens: [tokens, 'B T'] });
  checkInt('captionLoss', 'tokens', tokens);
  if (T < 2) throw new Error(`captionLoss: tokens [${tokens.shape.join(',')}] has T=${T}; next-token prediction needs T ≥ 2`);
  const ids = tokens.dataSync();
  // Row b·T+t of the flattened logits predicts tokens[b, t+1]; the last position has no target.
  const targets = Array.from(ids, (_, i) => (i % T === T - 1 ? padId : ids[i + 1]));
  const rows = rowLabels('captionLoss', 'tokens[:, 1:]', targets, V, (l) => l === padId, denominator !== undefined);
  return tf.tidy(() => softmaxCrossEntropy(tf.reshape(logits, [B * T, V]), rows, denominator));
}
