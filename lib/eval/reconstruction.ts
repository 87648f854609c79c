/**
 * Reconstruction metrics of masked objectives: masked-patch pixel MSE / PSNR (pixel MIM: MAE,
 * MaskVLM, M3AE, FLAVA's pixel variant) and token accuracy (MLM, and MIM over visual tokens).
 *
 * Both return running sums next to the metric, so batches combine exactly with
 * `combinePixelStats` / `combineTokenStats` (the mean of per-batch PSNRs would not be the PSNR).
 */
import * as tf from '@tensorflow/tfjs';
import { DenseInput, asTensor, readAndDispose, shapeOf } from './inputs';

export interface PixelReconstructionInput {
  /** `[B, N, P]` predicted patches, in image space [0, maxValue] (undo norm-pix targets first). */
  pred: DenseInput;
  /** `[B, N, P]` true patches, same space. */
  target: DenseInput;
  /** `[B, N]` 1 = masked (scored), 0 = visible (ignored). */
  mask: DenseInput;
  /** Peak pixel value for PSNR (default 1, images in [0, 1]). */
  maxValue?: number;
}

export interface PixelStats {
  /** Mean squared error over every value of every masked patch. */
  mse: number;
  /** 10·log10(maxValue² / mse) over the same masked pixels (Infinity when mse = 0). */
  psnr: number;
  sumSquaredError: number;
  /** Number of scored values (masked patches × P). */
  count: number;
  maxValue: number;
}

/** Masked-patch MSE and PSNR of one batch. Throws when nothing is masked. */
export async function pixelReconstruction(input: PixelReconstructionInput): Promise<PixelStats> {
  const maxValue = input.maxValue ?? 1;
  const ps = shapeOf(input.pred);
  const ts = shapeOf(input.target);
  const ms = shapeOf(input.mask);
  if (ps.length !== 3 || ps.join() !== ts.join() || ms.join() !== ps.slice(0, 2).join()) {
    throw new Error(`pixelReconstruction: pred [${ps}], target [${ts}] must be [B, N, P] and mask [${ms}] must be [B, N]`);
  }
  const sums = await readAndDispose(tf.tidy(() => {
    const pred = asTensor(input.pred, 'pred', 3);
    const target = asTensor(input.target, 'target', 3);
    const mask = asTensor(input.mask, 'mask', 2);
    const perPatch = pred.sub(target).square().sum(2); // [B, N]
    return tf.stack([perPatch.mul(mask).sum(), mask.sum()]);
  }));
  const stats = { sumSquaredError: sums[0], count: sums[1] * ps[2], maxValue };
  if (!(stats.count > 0)) throw new Error(`pixelReconstruction: mask [${ms}] has no masked patch to score`);
  return finishPixel(stats);
}

/** Pool per-batch stats into the stats of all their masked pixels. */
export function combinePixelStats(parts: readonly PixelStats[]): PixelStats {
  if (parts.length === 0) throw new Error('combinePixelStats: no batches');
  const maxValue = parts[0].maxValue;
  if (parts.some((p) => p.maxValue !== maxValue)) throw new Error('combinePixelStats: batches use different maxValue');
  return finishPixel({
    sumSquaredError: parts.reduce((a, p) => a + p.sumSquaredError, 0),
    count: parts.reduce((a, p) => a + p.count, 0),
    maxValue,
  });
}

function finishPixel(s: { sumSquaredError: number; count: number; maxValue: number }): PixelStats {
  const mse = s.sumSquaredError / s.count;
  return { ...s, mse, psnr: psnrFromMse(mse, s.maxValue) };
}

/** PSNR in dB of a mean squared error for a peak value `maxValue`. */
export function psnrFromMse(mse: number, maxValue = 1): number {
  return 10 * Math.log10((maxValue * maxValue) / mse);
}

export interface TokenAccuracyInput {
  /** `[B, T, V]` logits (argmax is the prediction); or give `predictions`. */
  logits?: DenseInput;
  /** `[B, T]` predicted token ids. */
  predictions?: DenseInput;
  /** `[B, T]` int true ids; -100 = not scored. */
  labels: DenseInput;
}

export interface TokenStats {
  accuracy: number;
  correct: number;
  /** Number of scored positions (labels ≠ -100). */
  count: number;
}

/** Accuracy over positions whose label is not -100. Throws when every label is -100. */
export async function tokenAccuracy(input: TokenAccuracyInput): Promise<TokenStats> {
  const ls = shapeOf(input.labels);
  if ((input.logits == null) === (input.predictions == null)) {
    throw new Error('tokenAccuracy: give exactly one of logits [B, T, V] or predictions [B, T]');
  }
  const src = (input.logits ?? input.predictions)!;
  const ss = shapeOf(src);
  const rank = input.logits != null ? 3 : 2;
  if (ls.length !== 2 || ss.length !== rank || ss.slice(0, 2).join() !== ls.join()) {
    const what = input.logits != null ? 'logits [B, T, V]' : 'predictions [B, T]';
    throw new Error(`tokenAccuracy: ${what} is [${ss}] but labels [B, T] is [${ls}]`);
  }
  const sums = await readAndDispose(tf.tidy(() => {
    const labels = tf.cast(asTensor(input.labels, 'labels', 2), 'int32'); // [B, T]
    const pred = input.logits != null
      ? asTensor(input.logits, 'logits', 3).argMax(2) // [B, T]
      : tf.cast(asTensor(input.predictions!, 'predictions', 2), 'int32');
    const scored = tf.notEqual(labels, -100);
    const hit = tf.logicalAnd(scored, tf.equal(pred, labels));
    return tf.stack([hit.cast('float32').sum(), scored.cast('float32').sum()]);
  }));
  if (!(sums[1] > 0)) throw new Error(`tokenAccuracy: labels [${ls}] are all -100, nothing to score`);
  return { accuracy: sums[0] / sums[1], correct: sums[0], count: sums[1] };
}

/** Pool per-batch token stats. */
export function combineTokenStats(parts: readonly TokenStats[]): TokenStats {
  if (parts.length === 0) throw new Error('combineTokenStats: no batches');
  const correct = parts.reduce((a, p) => a + p.correct, 0);
  const count = parts.reduce((a, p) => a + p.count, 0);
  return { accuracy: correct / count, correct, count };
}
