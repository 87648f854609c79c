/**
 * The compare-objectives experiment: every arm on the same backbone, data, steps, batch and seeds,
 * each evaluated on one protocol during training (learning curves) and at the end, then the
 * statistics (intervals, paired differences, findings) and the report: results.json, results.md,
 * SVG plots and report.html.
 *   plan (planStudy: job specs) -> run (runJob per spec, here or in child processes; records to
 *   <out>/jobs/) -> collect (collectStudy: records to results.json and the report).
 */
import { BackendInfo } from '../backend';
import type { CompareResults } from '../report';
import { collectStudy } from './collect';
import type { JobRecord, JobSpec } from './job';
import { finishedRecord, writeJobRecord } from './job_store';
import { planStudy } from './plan';
import { StudyProgress } from './progress';
import { runJob } from './run_job';

export interface CompareOptions {
  preset: string;
  out: string;
  /** Only these arms (names from ARMS). */
  arms?: string[];
  /** `--set key=value` overrides of each arm's experiment config (e.g. train.steps=20). */
  sets?: string[];
  backend: BackendInfo;
  quiet?: boolean;
}

export interface RunJobsOptions {
  out: string;
  backend: BackendInfo;
  quiet?: boolean;
}

/**
 * Run every spec whose record is not already under `out/jobs/` (reused ones are reported), write
 * each record as it finishes, and return all records in spec order.
 */
export async function runJobsHere(specs: JobSpec[], o: RunJobsOptions): Promise<{ records: JobRecord[]; reused: string[] }> {
  const progress = new StudyProgress(specs, { quiet: o.quiet });
  const records: JobRecord[] = [];
  const reused: string[] = [];
  try {
    for (const spec of specs) {
      const old = finishedRecord(o.out, spec);
      if (old) reused.push(spec.id);
      else progress.start(spec);
      const record = old ?? (await runJob(spec, { out: o.out, backend: o.backend, onProgress: (p) => progress.update(spec, p) }));
      if (!old) writeJobRecord(o.out, record);
      progress.finish(spec, record, !!old);
      records.push(record);
    }
  } finally {
    progress.stop();
  }
  return { records, reused };
}

/** Run the study; writes the records and the report into `o.out` and returns the results. */
export async function runCompare(o: CompareOptions): Promise<{ results: CompareResults; reportPath: string; reused: string[] }> {
  const specs = planStudy({ preset: o.preset, arms: o.arms, sets: o.sets });
  const createdAt = new Date().toISOString();
  const { records, reused } = await runJobsHere(specs, o);
  return { ...(await collectStudy(records, { out: o.out, createdAt })), reused };
}
