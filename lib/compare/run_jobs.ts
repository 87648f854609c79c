/**
 * Run a study's jobs: reuse each record already under `<out>/jobs/` whose spec is unchanged, run
 * the rest with a runner (here, one after another; or in child processes: job_pool.ts), write each
 * record as it finishes, and show one progress display over all jobs.
 */
import { BackendInfo } from '../backend';
import type { JobProgress, JobRecord, JobSpec } from './job';
import { finishedRecord, JOBS_DIR, writeJobRecord } from './job_store';
import { StudyProgress } from './progress';
import { runJob } from './run_job';

/** What a runner reports while it runs jobs. */
export interface JobEvents {
  start(spec: JobSpec): void;
  progress(spec: JobSpec, p: JobProgress): void;
  done(record: JobRecord): void;
  /** A line for the user (a child's stderr), printed above the progress bars. */
  log(line: string): void;
}

/** Runs `specs` (in any order, any number at a time) and reports through `events`. */
export type JobRunner = (specs: JobSpec[], events: JobEvents) => Promise<void>;

/** A job that failed: names the job, its arm and seed, and the cause. */
export class JobFailedError extends Error {
  constructor(
    readonly spec: JobSpec,
    readonly reason: string,
  ) {
    super(`job ${spec.id} (arm ${spec.label}, seed ${spec.seed}) failed: ${reason}`);
  }
}

/** One job after another in this process. */
export function inProcess(out: string, backend: BackendInfo): JobRunner {
  return async (specs, events) => {
    for (const spec of specs) {
      events.start(spec);
      let record: JobRecord;
      try {
        record = await runJob(spec, { out, backend, onProgress: (p) => events.progress(spec, p) });
      } catch (e) {
        throw new JobFailedError(spec, (e as Error).message);
      }
      events.done(record);
    }
  };
}

export interface RunJobsOptions {
  out: string;
  runner: JobRunner;
  quiet?: boolean;
}

/** Every spec's record, in spec order; `reused` lists the jobs whose record an earlier run wrote. */
export async function runJobs(specs: JobSpec[], o: RunJobsOptions): Promise<{ records: JobRecord[]; reused: string[] }> {
  const progress = new StudyProgress(specs, { quiet: o.quiet });
  const records = new Map<string, JobRecord>();
  const reused: string[] = [];
  for (const spec of specs) {
    const old = finishedRecord(o.out, spec);
    if (!old) continue;
    records.set(spec.id, old);
    reused.push(spec.id);
    progress.finish(spec, old, true);
  }
  const bySpec = new Map(specs.map((s) => [s.id, s]));
  const events: JobEvents = {
    start: (spec) => progress.start(spec),
    progress: (spec, p) => progress.update(spec, p),
    done: (record) => {
      writeJobRecord(o.out, record);
      records.set(record.spec.id, record);
      progress.finish(bySpec.get(record.spec.id) ?? record.spec, record);
    },
    log: (line) => progress.log(line),
  };
  try {
    await o.runner(specs.filter((s) => !records.has(s.id)), events);
  } catch (e) {
    const kept = records.size ? `; the ${records.size} finished job records are kept in ${o.out}/${JOBS_DIR}/: rerun with the same --out to reuse them` : '';
    throw Object.assign(e as Error, { message: `${(e as Error).message}${kept}` });
  } finally {
    progress.stop();
  }
  return { records: specs.map((s) => records.get(s.id)!), reused };
}
