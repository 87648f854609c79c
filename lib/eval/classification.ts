/**
 * Per-item samples of a classifier's scores (zero-shot, linear probe): top-1 and balanced accuracy
 * as means over eval items, with the trivial baselines they must beat.
 */
import { MetricSample, itemShares, meanSample } from './sample';

/** `[C]` how many labels fall in each class. */
export function classCounts(labels: ArrayLike<number>, numClasses: number): number[] {
  const counts = new Array<number>(numClasses).fill(0);
  for (let i = 0; i < labels.length; i++) counts[labels[i]]++;
  return counts;
}

/**
 * Balanced accuracy (mean recall over the classes present in `labels`) as item shares:
 * item i = correct_i / (n_{y_i} · classes present) · N, so mean(items) = balanced accuracy.
 */
export function balancedAccuracyItems(correct: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number): number[] {
  const counts = classCounts(labels, numClasses);
  const present = counts.filter((n) => n > 0).length;
  return itemShares(Array.from(correct, (c, i) => c / (counts[labels[i]] * present)));
}

/** Share of `labels` that fall in the `k` most frequent classes of `reference` (the majority baseline at k). */
export function majorityShare(labels: ArrayLike<number>, numClasses: number, k = 1, reference: ArrayLike<number> = labels): number {
  const ref = classCounts(reference, numClasses);
  const top = new Set(ref.map((n, c) => [n, c]).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, k).map(([, c]) => c));
  let hits = 0;
  for (let i = 0; i < labels.length; i++) if (top.has(labels[i])) hits++;
  return hits / labels.length;
}

/** `[N]` 0/1 hits as a top-1 accuracy sample. */
export function accuracySample(correct: ArrayLike<number>, chance: number): MetricSample {
  return meanSample(Array.from(correct), { chance, higherIsBetter: true });
}

/** `[N]` 0/1 hits as a balanced-accuracy sample. */
export function balancedAccuracySample(correct: ArrayLike<number>, labels: ArrayLike<number>, numClasses: number, chance: number): MetricSample {
  return meanSample(balancedAccuracyItems(correct, labels, numClasses), { chance, higherIsBetter: true });
}
