/**
 * Intervals for a metric measured on eval items over seeds. The bootstrap resamples item indices
 * (and seed indices) from a stream seeded by the shape alone, so two calls on records of the same
 * shape draw the same indices: every arm of a study, and every paired difference, sees the same
 * resampled items. A difference of two arms is bootstrapped as the mean of per-item differences,
 * which is the difference of the resampled means under shared indices.
 */
import type { MetricSample } from '../eval/sample';
import { Rng } from '../random';

/** A metric of one run: its value and, when it is a mean over eval items, every item's value (paired across runs). */
export type Sample = MetricSample;

/** How an interval was made: a bootstrap over items (and seeds), a t-interval over seeds, or none. */
export type IntervalSource = 'items' | 'items+seeds' | 'seeds' | 'none';

export interface Interval {
  mean: number;
  /** Std of what was resampled: the pooled items when there are items, else the seed values. */
  std: number;
  /** Values the std is over: items × seeds, or seeds. */
  n: number;
  seeds: number;
  /** 95 % interval of the mean; null when there is nothing to resample (one seed, no items). */
  ci95: [number, number] | null;
  over: IntervalSource;
}

export interface BootstrapOptions {
  replicates?: number;
  seed?: number;
}

export const DEFAULT_REPLICATES = 1000;

/** Two-sided 97.5 % quantiles of Student's t for 1..30 degrees of freedom (then the normal's). */
const T975 = [12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.16, 2.145, 2.131, 2.12, 2.11, 2.101, 2.093, 2.086, 2.08, 2.074, 2.069, 2.064, 2.06, 2.056, 2.052, 2.048, 2.045, 2.042];

export function tQuantile975(df: number): number {
  if (!(df >= 1)) throw new Error(`tQuantile975: df must be ≥ 1, got ${df}`);
  return df <= T975.length ? T975[Math.floor(df) - 1] : 1.96;
}

function meanOf(xs: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i];
  return s / xs.length;
}

/** Sample std (n − 1); 0 for one value. */
export function sampleStd(xs: ArrayLike<number>): number {
  if (xs.length < 2) return 0;
  const m = meanOf(xs);
  let q = 0;
  for (let i = 0; i < xs.length; i++) q += (xs[i] - m) ** 2;
  return Math.sqrt(q / (xs.length - 1));
}

/** Linear-interpolated quantile of sorted values. */
function quantile(sorted: Float64Array, q: number): number {
  const pos = q * (sorted.length - 1);
  const lo = Math.floor(pos);
  const hi = Math.min(sorted.length - 1, lo + 1);
  return sorted[lo] + (pos - lo) * (sorted[hi] - sorted[lo]);
}

/** Resampled indices per replicate, cached by shape: the pairing across arms rests on this. */
const drawCache = new Map<string, { items: Int32Array; seeds: Int32Array }>();

function draws(nItems: number, nSeeds: number, replicates: number, seed: number): { items: Int32Array; seeds: Int32Array } {
  const key = `${nItems}:${nSeeds}:${replicates}:${seed}`;
  let d = drawCache.get(key);
  if (!d) {
    const rng = new Rng(seed).fork(`bootstrap ${nItems} items ${nSeeds} seeds`);
    const items = new Int32Array(replicates * nItems);
    const seeds = new Int32Array(replicates * nSeeds);
    for (let r = 0; r < replicates; r++) {
      for (let j = 0; j < nSeeds; j++) seeds[r * nSeeds + j] = nSeeds > 1 ? rng.int(nSeeds) : 0;
      for (let i = 0; i < nItems; i++) items[r * nItems + i] = rng.int(nItems);
    }
    if (drawCache.size >= 8) drawCache.clear(); // replicates × items int32s each: a few shapes per study
    drawCache.set(key, (d = { items, seeds }));
  }
  return d;
}

/**
 * The interval of a metric's mean over `runs` (one Sample per seed, seeds in the same order for
 * every arm). With items on every run: a percentile bootstrap over items, and over seeds when there
 * are several (the same item draw for all seeds of a replicate: items are the same eval items).
 * Without items: a t-interval over the seed values (none for one seed).
 */
export function bootstrapMean(runs: Sample[], what: string, o: BootstrapOptions = {}): Interval {
  if (runs.length === 0) throw new Error(`bootstrapMean(${what}): no runs`);
  const seeds = runs.length;
  const values = runs.map((r) => r.value);
  const mean = meanOf(values);
  const withItems = runs.every((r) => r.items && r.items.length > 0);
  if (!withItems) {
    const std = sampleStd(values);
    if (seeds < 2) return { mean, std, n: seeds, seeds, ci95: null, over: 'none' };
    const half = (tQuantile975(seeds - 1) * std) / Math.sqrt(seeds);
    return { mean, std, n: seeds, seeds, ci95: [mean - half, mean + half], over: 'seeds' };
  }
  const n = runs[0].items!.length;
  runs.forEach((r, s) => {
    if (r.items!.length !== n) throw new Error(`bootstrapMean(${what}): seed ${s} has ${r.items!.length} items, seed 0 has ${n} (items must be the same eval items in every run)`);
  });
  const items = runs.map((r) => Float64Array.from(r.items!));
  const itemMean = meanOf(items.map(meanOf));
  const replicates = o.replicates ?? DEFAULT_REPLICATES;
  const d = draws(n, seeds, replicates, o.seed ?? 0);
  const stats = new Float64Array(replicates);
  for (let r = 0; r < replicates; r++) {
    let total = 0;
    for (let j = 0; j < seeds; j++) {
      const row = items[d.seeds[r * seeds + j]];
      const base = r * n;
      for (let i = 0; i < n; i++) total += row[d.items[base + i]];
    }
    stats[r] = total / (n * seeds);
  }
  stats.sort();
  const pooled = new Float64Array(n * seeds);
  items.forEach((row, j) => pooled.set(row, j * n));
  return {
    mean: itemMean,
    std: sampleStd(pooled),
    n: n * seeds,
    seeds,
    ci95: [quantile(stats, 0.025), quantile(stats, 0.975)],
    over: seeds > 1 ? 'items+seeds' : 'items',
  };
}

/** Per seed, a − b (items paired by index when both have them, else values only). */
export function differenceRuns(a: Sample[], b: Sample[], what: string): Sample[] {
  if (a.length !== b.length) throw new Error(`differenceRuns(${what}): ${a.length} seeds against ${b.length} (pair the same seeds)`);
  return a.map((x, s) => {
    const y = b[s];
    const paired = x.items && y.items;
    if (paired && x.items!.length !== y.items!.length) {
      throw new Error(`differenceRuns(${what}): seed ${s} has ${x.items!.length} items against ${y.items!.length} (not the same eval items)`);
    }
    return { value: x.value - y.value, items: paired ? x.items!.map((v, i) => v - y.items![i]) : undefined };
  });
}

/** True when the interval excludes 0. */
export function excludesZero(ci: [number, number] | null): boolean {
  return ci !== null && (ci[0] > 0 || ci[1] < 0);
}
