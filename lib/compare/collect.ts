/**
 * From the runs to results.json: every metric's interval (paired bootstrap over eval items and
 * seeds), every arm's paired difference against its clip baseline, and the findings. Cost numbers
 * (training wall time, throughput, FLOPs) join as seed-only metrics.
 */
import { COST_METRICS, type ArmResult, type CompareResults } from '../report';
import { DEFAULT_REPLICATES, RunTable, baselineDifferences, generateFindings, metricStats, type RunSamples } from '../stats';

export interface CollectInput {
  runs: { result: ArmResult; samples: RunSamples }[];
  /** Batch size of the plain-named arms (the batch-size sweep's reference point). */
  batchSize?: number;
  /** Bootstrap replicates (default 1000) and seed (default 0). */
  replicates?: number;
  bootstrapSeed?: number;
}

/** The statistics part of CompareResults. */
export type StudyStatistics = Pick<CompareResults, 'stats' | 'differences' | 'findings' | 'skippedFindings' | 'bootstrap'>;

function withCost(r: { result: ArmResult; samples: RunSamples }): RunSamples {
  const cost = {
    [COST_METRICS.wallTime]: { value: r.result.wallTimeSec, higherIsBetter: false },
    [COST_METRICS.samplesPerSec]: { value: r.result.samplesPerSec, higherIsBetter: true },
    [COST_METRICS.gflopsPerStep]: { value: r.result.flopsPerStep / 1e9, higherIsBetter: false },
  };
  return { ...r.samples, metrics: { ...r.samples.metrics, ...cost } };
}

export function collectStatistics(input: CollectInput): StudyStatistics {
  const bootstrap = { replicates: input.replicates ?? DEFAULT_REPLICATES, seed: input.bootstrapSeed ?? 0 };
  const table = new RunTable(input.runs.map(withCost));
  const { findings, skipped } = generateFindings({ table, batchSize: input.batchSize, bootstrap });
  return {
    stats: metricStats(table, bootstrap),
    differences: baselineDifferences(table, bootstrap),
    findings,
    skippedFindings: skipped,
    bootstrap: { ...bootstrap, method: 'percentile; items resampled once per replicate for every arm, seeds too when several; t-interval over seeds for metrics without items' },
  };
}
