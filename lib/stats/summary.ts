/**
 * Every metric of every arm as a mean with a 95 % interval, and every arm's paired difference
 * against its baseline arm (`clip`, or `clip@<setting>` for an arm of another setting).
 */
import { bootstrapMean, differenceRuns, excludesZero, type BootstrapOptions, type Interval } from './bootstrap';
import { RunTable } from './runs';

export interface MetricStat extends Interval {
  /** The metric at chance (or the trivial baseline), mean over seeds, where the evaluator gives one. */
  chance?: number;
  higherIsBetter?: boolean;
}

export interface PairedDifference extends Omit<Interval, 'mean'> {
  /** Mean of arm − baseline (same items, same seeds). */
  diff: number;
  /** The arm it is measured against. */
  baseline: string;
  /** The interval excludes 0. */
  significant: boolean;
}

export const BASELINE_ARM = 'clip';

/** The baseline of `arm`: `clip` for `x`, `clip@s` for `x@s`; undefined for the baseline itself. */
export function baselineOf(arm: string): string | undefined {
  const at = arm.indexOf('@');
  const base = at < 0 ? BASELINE_ARM : `${BASELINE_ARM}${arm.slice(at)}`;
  return base === arm ? undefined : base;
}

/** Mean, std, n and ci95 of every metric of every arm. */
export function metricStats(table: RunTable, o: BootstrapOptions = {}): Record<string, Record<string, MetricStat>> {
  const out: Record<string, Record<string, MetricStat>> = {};
  for (const arm of table.arms()) {
    out[arm] = {};
    for (const metric of table.metricsOf(arm).sort()) {
      const runs = table.runsOf(arm).filter((r) => r.metrics[metric] !== undefined).map((r) => r.metrics[metric]);
      const stat: MetricStat = bootstrapMean(runs, `${arm} ${metric}`, o);
      const chances = runs.map((r) => r.chance).filter((c): c is number => c !== undefined);
      if (chances.length) stat.chance = chances.reduce((a, b) => a + b, 0) / chances.length;
      const hib = runs.find((r) => r.higherIsBetter !== undefined)?.higherIsBetter;
      if (hib !== undefined) stat.higherIsBetter = hib;
      out[arm][metric] = stat;
    }
  }
  return out;
}

/** The paired difference arm − baseline on one metric, over the seeds both ran; undefined when either lacks it. */
export function pairedDifference(table: RunTable, arm: string, baseline: string, metric: string, o: BootstrapOptions = {}): PairedDifference | undefined {
  const seeds = table.commonSeeds(arm, baseline);
  if (seeds.length === 0) return undefined;
  const a = table.series(arm, metric, seeds);
  const b = table.series(baseline, metric, seeds);
  if (!a || !b) return undefined;
  const what = `${arm} − ${baseline} ${metric}`;
  const { mean, ...interval } = bootstrapMean(differenceRuns(a, b, what), what, o);
  return { diff: mean, ...interval, baseline, significant: excludesZero(interval.ci95) };
}

/** Every arm against its baseline on every metric both report. */
export function baselineDifferences(table: RunTable, o: BootstrapOptions = {}): Record<string, Record<string, PairedDifference>> {
  const out: Record<string, Record<string, PairedDifference>> = {};
  for (const arm of table.arms()) {
    const base = baselineOf(arm);
    if (!base || !table.has(base)) continue;
    out[arm] = {};
    for (const metric of table.metricsOf(arm).sort()) {
      const d = pairedDifference(table, arm, base, metric, o);
      if (d) out[arm][metric] = d;
    }
  }
  return out;
}
