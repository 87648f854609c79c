/**
 * `mvlm compare --queue`: the local study's plan, run and collect (lib/compare/run_compare.ts) with
 * the queue as the runner. Records land in `<out>/jobs/` as each job ends, as in a local run, so a
 * rerun with the same --out reuses them, and results.json and the report come from the same collect.
 */
import { type CompareRun, collectStudy, planStudy, runJobs } from '../compare';
import { onQueue } from './coordinator';

export interface QueueCompareOptions {
  url: string;
  preset: string;
  out: string;
  arms?: string[];
  sets?: string[];
  quiet?: boolean;
  /** Stop waiting (and remove the queue) when aborted. */
  signal?: AbortSignal;
  /** Where the coordinator's lines go (default: above the progress display). */
  log?: (msg: string) => void;
}

export async function runCompareOnQueue(o: QueueCompareOptions): Promise<CompareRun> {
  const specs = planStudy({ preset: o.preset, arms: o.arms, sets: o.sets });
  const createdAt = new Date().toISOString();
  const { records, reused } = await runJobs(specs, { out: o.out, runner: onQueue({ url: o.url, signal: o.signal, log: o.log }), quiet: o.quiet });
  return { ...(await collectStudy(records, { out: o.out, createdAt })), reused };
}
