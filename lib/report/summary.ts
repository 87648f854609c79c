/**
 * One summary per arm: its runs' facts and every metric's statistics as results.json holds them
 * (mean, std, n, ci95, chance; see lib/stats). The cost numbers of an arm (wall time, throughput,
 * FLOPs) are `cost/*` metrics so tables and plots treat them like any other column.
 */
import type { MetricStat } from '../stats';
import type { CompareResults, ObjectiveWeight } from './types';

/** Names of the cost metrics derived from `ArmResult` fields. */
export const COST_METRICS = {
  wallTime: 'cost/wall_time_s',
  samplesPerSec: 'cost/samples_per_s',
  gflopsPerStep: 'cost/gflops_per_step',
} as const;

export interface ArmSummary {
  name: string;
  objectives: ObjectiveWeight[];
  seeds: number[];
  params: number;
  steps: number;
  metrics: Record<string, MetricStat>;
}

/** Arm names in order of first appearance in `results.arms`. */
export function armNames(results: CompareResults): string[] {
  return [...new Set(results.arms.map((a) => a.name))];
}

/** One summary per arm (order of first appearance), its metrics' statistics from `results.stats`. */
export function summarizeArms(results: CompareResults): ArmSummary[] {
  return armNames(results).map((name) => {
    const runs = results.arms.filter((a) => a.name === name);
    return {
      name,
      objectives: runs[0].objectives,
      seeds: runs.map((r) => r.seed),
      params: runs[0].params,
      steps: runs[0].steps,
      metrics: results.stats[name] ?? {},
    };
  });
}
