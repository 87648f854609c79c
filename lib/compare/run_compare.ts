/**
 * The compare-objectives experiment: every arm on the same backbone, data, steps, batch and seeds,
 * each evaluated on one protocol during training (learning curves) and at the end, then the
 * statistics (intervals, paired differences, findings) and the report: results.json, results.md,
 * SVG plots and report.html.
 *   plan (planStudy: job specs) -> run (runJobs: runJob per spec, here or in N child processes;
 *   records to <out>/jobs/) -> collect (collectStudy: records to results.json and the report).
 */
import * as os from 'os';
import { BackendInfo } from '../backend';
import type { CompareResults } from '../report';
import { collectStudy } from './collect';
import { inChildren } from './job_pool';
import { planStudy } from './plan';
import { inProcess, runJobs } from './run_jobs';

export interface CompareOptions {
  preset: string;
  out: string;
  /** Only these arms (names from ARMS). */
  arms?: string[];
  /** `--set key=value` overrides of each arm's experiment config (e.g. train.steps=20). */
  sets?: string[];
  backend: BackendInfo;
  quiet?: boolean;
  /** Child processes running jobs (default: the number of cores); 1 runs them in this process. */
  jobs?: number;
  /** Environment of the child processes (default: this process's). */
  childEnv?: NodeJS.ProcessEnv;
}

export interface CompareRun {
  results: CompareResults;
  reportPath: string;
  /** Jobs whose record an earlier run with the same out folder wrote. */
  reused: string[];
}

/** The default of --jobs: one child process per core. */
export function defaultJobs(): number {
  return os.availableParallelism();
}

/** Run the study; writes the records and the report into `o.out` and returns the results. */
export async function runCompare(o: CompareOptions): Promise<CompareRun> {
  const specs = planStudy({ preset: o.preset, arms: o.arms, sets: o.sets });
  const createdAt = new Date().toISOString();
  const jobs = o.jobs ?? defaultJobs();
  if (!(Number.isInteger(jobs) && jobs >= 1)) throw new Error(`compare: jobs must be an integer >= 1, got ${jobs}`);
  const runner = jobs === 1 ? inProcess(o.out, o.backend) : inChildren({ out: o.out, jobs, env: o.childEnv });
  const { records, reused } = await runJobs(specs, { out: o.out, runner, quiet: o.quiet });
  return { ...(await collectStudy(records, { out: o.out, createdAt })), reused };
}
