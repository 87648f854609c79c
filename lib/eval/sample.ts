/**
 * One metric of one evaluation (one arm, one seed, one eval split), as the study needs it for
 * intervals: the value, and where the value is a mean over eval items, every item's share of it.
 *
 * `items` are paired across arms and seeds: item i is the same eval item (same image, same caption,
 * same mask) in every arm's record, so a bootstrap can resample item indices once and apply them to
 * every arm (paired differences). A metric that is not a mean over items (e.g. an effective rank)
 * leaves `items` out; its interval then comes from seeds only.
 */
export interface MetricSample {
  /** The metric on the whole eval set; equals the mean of `items` when they are given. */
  value: number;
  /** `[n]` per-item contributions, mean(items) = value; same item order in every arm and seed. */
  items?: number[];
  /** The metric's value at chance (or of the trivial baseline it must beat, e.g. majority class). */
  chance?: number;
  /** True when larger is better (accuracies, recalls, PSNR); false for ranks, errors, losses. */
  higherIsBetter?: boolean;
}

/** Flat metric names (`group/split/leaf`) to samples. */
export type MetricSamples = Record<string, MetricSample>;

/** A sample whose value is the mean of `items` (throws on an empty list: nothing was scored). */
export function meanSample(items: number[], extra: Omit<MetricSample, 'value' | 'items'> = {}): MetricSample {
  if (items.length === 0) throw new Error('meanSample: no items to average (the eval split scored nothing)');
  let sum = 0;
  for (const v of items) sum += v;
  return { value: sum / items.length, items, ...extra };
}

/** The plain values of a record of samples (for printing and for code that wants numbers only). */
export function metricValues(samples: MetricSamples): Record<string, number> {
  return Object.fromEntries(Object.entries(samples).map(([k, s]) => [k, s.value]));
}

/**
 * Per-item shares of a ratio metric (Σ hits / Σ counts over groups, or a mean of group ratios):
 * item i gets `weight[i] · n` so that mean(items) is the metric. Used for balanced accuracy
 * (weight = hit / (n_class · classes)) and pooled token accuracy (weight = hits / total).
 */
export function itemShares(weights: ArrayLike<number>): number[] {
  const n = weights.length;
  return Array.from(weights, (w) => w * n);
}
