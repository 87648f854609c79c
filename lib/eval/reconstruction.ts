/**
 * Reconstruction metrics of masked objectives: masked-patch pixel MSE / PSNR (pixel MIM: MAE,
 * MaskVLM, M3AE, FLAVA's pixel variant) and token accuracy (MLM, and MIM over visual tokens).
 *
 * Both return running sums next to the metric, so batches combine exactly with
 * `combinePixelStats` / `combineTokenStats` (the mean of per-batch PSNRs would not be the PSNR).
 */
import * as tf from '@tensorflow/tfjs';
import { DenseInput, asTensor, readAndDispose, shapeOf } from './inputs';
import { MetricSample, itemShares, meanSample } from './sample';

export interface PixelReconstructionInput {
  /** `[B, N, P]` predicted patches, in image space [0, maxValue] (undo norm-pix targets first). */
  pred: DenseInput;
  /** `[B, N, P]` true patches, same space. */
  target: DenseInput;
  /** `[B, N]` 1 = masked (scored), 0 = visible (ignored). */
  mask: DenseInput;
  /** Peak pixel value for PSNR (default 1, images in [0, 1]). */
  maxValue?: number;
  /**
   * Per-image scoring only: rescale each predicted (and baseline) patch to the true patch's mean and
   * unbiased std (+1e-6), as norm-pix models must be to leave normalised space — so every model is
   * given the same per-patch statistics and is scored on the structure inside the patch.
   */
  matchPatchStats?: boolean;
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

/** pred and target `[B, N, P]`, mask `[B, N]`: returns pred's shape, or throws naming `fn` and all three shapes. */
function pixelShapes(fn: string, input: PixelReconstructionInput): number[] {
  const ps = shapeOf(input.pred);
  const ts = shapeOf(input.target);
  const ms = shapeOf(input.mask);
  if (ps.length !== 3 || ps.join() !== ts.join() || ms.join() !== ps.slice(0, 2).join()) {
    throw new Error(`${fn}: pred [${ps}], target [${ts}] must be [B, N, P] and mask [${ms}] must be [B, N]`);
  }
  return ps;
}

/** Masked-patch MSE and PSNR of one batch. Throws when nothing is masked. */
export async function pixelReconstruction(input: PixelReconstructionInput): Promise<PixelStats> {
  const maxValue = input.maxValue ?? 1;
  const ps = pixelShapes('pixelReconstruction', input);
  const sums = await readAndDispose(tf.tidy(() => {
    const pred = asTensor(input.pred, 'pred', 3);
    const target = asTensor(input.target, 'target', 3);
    const mask = asTensor(input.mask, 'mask', 2);
    const perPatch = pred.sub(target).square().sum(2); // [B, N]
    return tf.stack([perPatch.mul(mask).sum(), mask.sum()]);
  }));
  const stats = { sumSquaredError: sums[0], count: sums[1] * ps[2], maxValue };
  if (!(stats.count > 0)) throw new Error(`pixelReconstruction: mask [${shapeOf(input.mask)}] has no masked patch to score`);
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

/** Per-image MSE below this counts as this (a perfect patch would make PSNR infinite: capped at 100 dB). */
const MIN_MSE = 1e-10;

export interface PerImagePixelStats {
  /** `[B]` MSE over each image's masked pixels. */
  mse: number[];
  /** `[B]` PSNR of each image (peak `maxValue`), from `mse` (capped at 100 dB for maxValue 1). */
  psnr: number[];
  /** `[B]` MSE of the mean-patch baseline: every masked patch predicted as the mean of the image's visible patches (NaN without one). */
  baselineMse: number[];
  baselinePsnr: number[];
}

/**
 * Masked-patch error of each image, and of the mean-patch baseline (what a model that only copies
 * the visible patches' average colour scores). Throws when an image has no masked patch.
 */
export async function pixelReconstructionPerImage(input: PixelReconstructionInput): Promise<PerImagePixelStats> {
  const maxValue = input.maxValue ?? 1;
  const ps = pixelShapes('pixelReconstructionPerImage', input);
  const [B, , P] = ps;
  const sums = await readAndDispose(tf.tidy(() => {
    const pred = asTensor(input.pred, 'pred', 3) as tf.Tensor3D;
    const target = asTensor(input.target, 'target', 3) as tf.Tensor3D;
    const mask = asTensor(input.mask, 'mask', 2);
    const visible = tf.sub(1, mask); // [B, N]
    const nVisible = visible.sum(1, true); // [B, 1]
    // [B, N, P] * [B, N, 1] summed over N -> [B, P] -> [B, 1, P]: the mean visible patch
    const meanPatch = target.mul(visible.expandDims(2)).sum(1).div(nVisible.maximum(1)).expandDims(1);
    let guess = pred;
    let baseline = meanPatch.tile([1, ps[1], 1]) as tf.Tensor3D; // [B, N, P]
    if (input.matchPatchStats) {
      guess = withPatchStatsOf(pred, target);
      baseline = withPatchStatsOf(baseline, target);
    }
    const err = guess.sub(target).square().sum(2).mul(mask).sum(1); // [B]
    const base = baseline.sub(target).square().sum(2).mul(mask).sum(1); // [B]
    return tf.concat([err, base, mask.sum(1), nVisible.reshape([B])]); // [4B]
  }));
  const mse: number[] = [];
  const baselineMse: number[] = [];
  for (let b = 0; b < B; b++) {
    const masked = sums[2 * B + b];
    if (!(masked > 0)) throw new Error(`pixelReconstructionPerImage: image ${b} of mask [${shapeOf(input.mask)}] has no masked patch to score`);
    mse.push(sums[b] / (masked * P));
    // no visible patch, no mean-patch baseline
    baselineMse.push(sums[3 * B + b] > 0 ? sums[B + b] / (masked * P) : NaN);
  }
  const psnr = (m: number) => psnrFromMse(Math.max(m, MIN_MSE * maxValue * maxValue), maxValue);
  return { mse, psnr: mse.map(psnr), baselineMse, baselinePsnr: baselineMse.map(psnr) };
}

/** Each patch of `x` [B, N, P] standardised, then given the mean and unbiased std (+1e-6) of the same patch of `like`. */
export function withPatchStatsOf(x: tf.Tensor3D, like: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const P = like.shape[2];
    const stats = (t: tf.Tensor3D) => {
      const mean = t.mean(-1, true);
      const std = t.sub(mean).square().sum(-1, true).div(Math.max(1, P - 1)).add(1e-6).sqrt();
      return { mean, std };
    };
    const a = stats(x);
    const b = stats(like);
    return x.sub(a.mean).div(a.std).mul(b.std).add(b.mean) as tf.Tensor3D;
  });
}

export interface PerRowTokenStats {
  /** `[B]` correct predictions among each row's scored positions. */
  correct: number[];
  /** `[B]` scored positions (labels ≠ −100) of each row. */
  count: number[];
  /** Every scored label, row by row (for the most-frequent-token baseline). */
  targets: number[];
}

/** Token hits per row (a row = one caption): the pieces of a pooled accuracy that items need. */
export async function tokenAccuracyPerRow(input: TokenAccuracyInput): Promise<PerRowTokenStats> {
  const ls = shapeOf(input.labels);
  const src = input.logits ?? input.predictions;
  if (src == null || (input.logits != null && input.predictions != null)) {
    throw new Error('tokenAccuracyPerRow: give exactly one of logits [B, T, V] or predictions [B, T]');
  }
  const ss = shapeOf(src);
  if (ls.length !== 2 || ss.slice(0, 2).join() !== ls.join()) {
    throw new Error(`tokenAccuracyPerRow: ${input.logits ? 'logits' : 'predictions'} [${ss}] does not match labels [B, T] [${ls}]`);
  }
  const both = await readAndDispose(tf.tidy(() => {
    const labels = tf.cast(asTensor(input.labels, 'labels', 2), 'float32'); // [B, T]
    const pred = input.logits != null
      ? asTensor(input.logits, 'logits', 3).argMax(2).toFloat()
      : asTensor(input.predictions!, 'predictions', 2);
    return tf.concat([labels, pred]); // [2B, T]
  }));
  const [B, T] = ls;
  const out: PerRowTokenStats = { correct: [], count: [], targets: [] };
  for (let b = 0; b < B; b++) {
    let correct = 0;
    let count = 0;
    for (let t = 0; t < T; t++) {
      const label = both[b * T + t];
      if (label === -100) continue;
      count++;
      out.targets.push(label);
      if (both[(B + b) * T + t] === label) correct++;
    }
    out.correct.push(correct);
    out.count.push(count);
  }
  return out;
}

/** Share of the most frequent value of `targets` (the accuracy of always predicting it). */
export function mostFrequentShare(targets: readonly number[]): number {
  if (targets.length === 0) throw new Error('mostFrequentShare: no targets');
  const counts = new Map<number, number>();
  let best = 0;
  for (const t of targets) {
    const c = (counts.get(t) ?? 0) + 1;
    counts.set(t, c);
    best = Math.max(best, c);
  }
  return best / targets.length;
}

/** PSNR and MSE samples (items = images, in batch order), the mean-patch baseline as chance. */
export function pixelSamples(parts: readonly PerImagePixelStats[]): { psnr: MetricSample; mse: MetricSample } {
  const all = <K extends keyof PerImagePixelStats>(k: K) => parts.flatMap((p) => p[k]);
  const baselinePsnr = all('baselinePsnr');
  const baselineMse = all('baselineMse');
  const chance = (v: number[]) => (v.some(Number.isNaN) ? {} : { chance: meanOf(v) });
  return {
    psnr: meanSample(all('psnr'), { ...chance(baselinePsnr), higherIsBetter: true }),
    mse: meanSample(all('mse'), { ...chance(baselineMse), higherIsBetter: false }),
  };
}

/** Pooled token accuracy as item shares (item = row: correct_i / Σ count · rows), the most frequent target's share as chance. */
export function tokenSample(parts: readonly PerRowTokenStats[]): MetricSample {
  const correct = parts.flatMap((p) => p.correct);
  const total = parts.reduce((a, p) => a + p.count.reduce((x, y) => x + y, 0), 0);
  if (!(total > 0)) throw new Error('tokenSample: no scored token in any row');
  return meanSample(itemShares(correct.map((c) => c / total)), {
    chance: mostFrequentShare(parts.flatMap((p) => p.targets)),
    higherIsBetter: true,
  });
}

function meanOf(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0) / values.length;
}
