/**
 * Collect: from the jobs' records to results.json: every metric's interval (paired bootstrap over eval items and
 * seeds), every arm's paired difference against its clip baseline, and the findings. Cost numbers
 * (training wall time, throughput, FLOPs) join as seed-only metrics.
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import { COST_METRICS, type ArmResult, type CompareResults, writeReport } from '../report';
import { PROBE_FEATURE } from '../run/embed';
import { RECONSTRUCTION_RULE } from '../run/reconstruct_eval';
import { DEFAULT_REPLICATES, RunTable, baselineDifferences, generateFindings, metricStats, type RunSamples } from '../stats';
import { packageVersion } from '../version';
import type { JobRecord } from './job';

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

/** Check that `records` are one study's, every job once; return them in the plan's order. */
export function orderRecords(records: JobRecord[]): JobRecord[] {
  if (records.length === 0) throw new Error('collect: no job records');
  const study = records[0].spec.study;
  const studies = new Map<string, number>();
  for (const r of records) studies.set(r.spec.study.id, (studies.get(r.spec.study.id) ?? 0) + 1);
  if (studies.size > 1) {
    const list = [...studies].map(([id, n]) => `${id} (${n} records)`).join(', ');
    throw new Error(`collect: records of ${studies.size} studies: ${list}; collect one study's records at a time`);
  }
  const byId = new Map<string, JobRecord>();
  for (const r of records) {
    if (byId.has(r.spec.id)) throw new Error(`collect: job ${r.spec.id} has two records`);
    byId.set(r.spec.id, r);
  }
  const missing = study.jobIds.filter((id) => !byId.has(id));
  if (missing.length) throw new Error(`collect: study ${study.id} lacks ${missing.length} of ${study.jobIds.length} jobs: ${missing.join(', ')}`);
  return study.jobIds.map((id) => byId.get(id)!);
}

export interface CollectStudyOptions {
  /** Report folder: results.json, results.md, plots, report.html. */
  out: string;
  /** results.json's createdAt (default: the earliest job's start). */
  createdAt?: string;
}

/** Collect: the study's records (any order) to results.json and the report, rows in plan order. */
export async function collectStudy(records: JobRecord[], o: CollectStudyOptions): Promise<{ results: CompareResults; reportPath: string }> {
  const ordered = orderRecords(records);
  const { study } = ordered[0].spec;
  const starts = ordered.map((r) => r.timing.startedAt).sort();
  const backends = [...new Set(ordered.map((r) => r.timing.backend))];
  const results: CompareResults = {
    createdAt: o.createdAt ?? starts[0],
    preset: study.preset.name,
    config: { preset: study.preset, arms: study.settings.map((s) => ({ setting: s.name, arms: s.arms, batchSize: s.batchSize ?? study.preset.batchSize })), sets: study.sets },
    versions: { mvlm: packageVersion(), tfjs: tf.version.tfjs, node: process.versions.node },
    backend: backends.join('+'),
    seeds: study.preset.seeds,
    arms: ordered.map((r) => r.result),
    protocol: { probeFeature: PROBE_FEATURE, reconstruction: RECONSTRUCTION_RULE },
    ...collectStatistics({ runs: ordered, batchSize: study.batchSize }),
  };
  fs.mkdirSync(o.out, { recursive: true });
  const paths = await writeReport(o.out, results);
  return { results, reportPath: paths.html };
}
