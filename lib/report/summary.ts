/**
 * Aggregation over seeds: one summary per arm, mean ± std per metric. The cost numbers of an arm
 * (wall time, throughput, FLOPs) are folded in as `cost/*` metrics so tables and plots treat them
 * like any other column.
 */
import type { ArmResult, CompareResults, ObjectiveWeight } from './types';

/** Names of the cost metrics derived from `ArmResult` fields. */
export const COST_METRICS = {
  wallTime: 'cost/wall_time_s',
  samplesPerSec: 'cost/samples_per_s',
  gflopsPerStep: 'cost/gflops_per_step',
} as const;

export interface MetricStats {
  mean: number;
  /** Sample standard deviation over seeds (n − 1 in the denominator); 0 for a single seed. */
  std: number;
  /** Number of seeds that reported the metric. */
  n: number;
  values: number[];
}

export interface ArmSummary {
  name: string;
  objectives: ObjectiveWeight[];
  seeds: number[];
  params: number;
  steps: number;
  metrics: Record<string, MetricStats>;
}

/** Every metric of one seed's run, including the derived `cost/*` ones. */
export function armMetrics(arm: ArmResult): Record<string, number> {
  return {
    ...arm.metrics,
    [COST_METRICS.wallTime]: arm.wallTimeSec,
    [COST_METRICS.samplesPerSec]: arm.samplesPerSec,
    [COST_METRICS.gflopsPerStep]: arm.flopsPerStep / 1e9,
  };
}

/** Mean and sample standard deviation of `values` (std 0 when there is one value). */
export function meanStd(values: number[]): MetricStats {
  if (values.length === 0) throw new Error('meanStd: values is empty');
  const n = values.length;
  const mean = values.reduce((a, b) => a + b, 0) / n;
  const sq = values.reduce((a, v) => a + (v - mean) * (v - mean), 0);
  return { mean, std: n > 1 ? Math.sqrt(sq / (n - 1)) : 0, n, values: [...values] };
}

/** Arm names in order of first appearance in `results.arms`. */
export function armNames(results: CompareResults): string[] {
  return [...new Set(results.arms.map((a) => a.name))];
}

/** One summary per arm (order of first appearance), metrics aggregated over that arm's seeds. */
export function summarizeArms(results: CompareResults): ArmSummary[] {
  return armNames(results).map((name) => {
    const runs = results.arms.filter((a) => a.name === name);
    const byMetric = new Map<string, number[]>();
    for (const run of runs) {
      for (const [metric, value] of Object.entries(armMetrics(run))) {
        if (!byMetric.has(metric)) byMetric.set(metric, []);
        byMetric.get(metric)!.push(value);
      }
    }
    const metrics: Record<string, MetricStats> = {};
    for (const [metric, values] of byMetric) metrics[metric] = meanStd(values);
    return {
      name,
      objectives: runs[0].objectives,
      seeds: runs.map((r) => r.seed),
      params: runs[0].params,
      steps: runs[0].steps,
      metrics,
    };
  });
}
