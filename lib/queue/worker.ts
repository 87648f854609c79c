/**
 * `mvlm worker`: take jobs from the live study queues on a Redis, run each in a thread of its own
 * (runJob on the spec), return its record (as exact JSON text) as the job's return value.
 *
 * A job's run folder is `<out>/<queue name>/arms/<job id>/`, so a job retried after its worker
 * died finds the checkpoints the dead worker left when `out` is on shared storage, and resumes from
 * the newest good one; on other storage it starts afresh. Errors that another attempt cannot fix
 * (see failures.ts) fail the job at once (UnrecoverableError).
 */
import * as path from 'path';
import { type Job, UnrecoverableError, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { type JobProgress, jobRunDir, parseJobSpec } from '../compare';
import { resumableStep } from '../compare/job_resume';
import { bullConnection, checkReachable, parseQueueUrl } from './connection';
import { isTransient } from './failures';
import { JobError, runJobInThread, type JobThread } from './run_in_thread';
import { DEFAULT_STALL_POLICY, liveStudies, type StallPolicy } from './study_queue';

export interface WorkerOptions {
  url: string;
  /** Jobs run at once by this process (each in its own thread). */
  concurrency: number;
  /** Checkpoints and run folders; point it at shared storage so a retried job resumes. */
  out: string;
  stall?: Partial<StallPolicy>;
  /** How often to look for a live study when idle (ms). */
  pollMs?: number;
  /** Stop taking jobs when aborted; running jobs finish. */
  signal?: AbortSignal;
  log?: (msg: string) => void;
}

const PROGRESS_MS = 250;

/** What a queued job carries: its spec as exact JSON text (toJobJson). */
export interface QueuedJobData {
  spec: string;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
    function done() {
      clearTimeout(t);
      signal?.removeEventListener('abort', done);
      resolve();
    }
  });

/** The error BullMQ records for a failed job: permanent ones as UnrecoverableError (no retry). */
export function jobFailure(e: unknown): Error {
  const code = e instanceof JobError ? e.code : (e as NodeJS.ErrnoException)?.code;
  const message = (e as Error)?.message ?? String(e);
  return isTransient(code) ? new Error(`${message} [${code}: retried]`) : new UnrecoverableError(message);
}

/** Run jobs until `signal` aborts (or the connection to Redis is lost for good, which throws). */
export async function runWorker(o: WorkerOptions): Promise<void> {
  const log = o.log ?? ((msg: string) => console.log(msg));
  const server = parseQueueUrl(o.url);
  await checkReachable(server);
  const stall = { ...DEFAULT_STALL_POLICY, ...o.stall };
  let lost: Error | null = null;
  const giveUp = (e: Error) => {
    lost = e;
  };
  const redis = new Redis(bullConnection(server, giveUp));
  redis.on('error', () => undefined); // reconnects are bounded by bullConnection; giving up ends the loop
  const threads = new Set<JobThread>();
  log(`worker: waiting for studies on ${server.url} (concurrency ${o.concurrency}, checkpoints under ${o.out})`);
  try {
    while (!o.signal?.aborted && !lost) {
      const live = await liveStudies(redis).catch(() => [] as string[]);
      if (live.length === 0) {
        await sleep(o.pollMs ?? 1000, o.signal);
        continue;
      }
      const queue = live[0];
      const studyOut = path.join(o.out, queue);
      const processJob = async (job: Job<QueuedJobData, string>): Promise<string> => {
        let spec;
        try {
          spec = parseJobSpec(job.data.spec, `job ${job.id} of ${queue}`);
        } catch (e) {
          log(`worker: job ${job.id} failed: ${(e as Error).message}`);
          throw new UnrecoverableError((e as Error).message);
        }
        const runDir = jobRunDir(studyOut, spec);
        const from = resumableStep(runDir); // a retried job's checkpoint, when the storage is shared
        log(`worker: ${spec.id} ${from !== null ? `resumes from step ${from}` : 'starts'} (attempt ${job.attemptsStarted}, ${runDir})`);
        let sent = 0; // progress goes to Redis at most every PROGRESS_MS (and at the last step)
        const onProgress = (p: JobProgress) => {
          if (p.step < p.steps && Date.now() - sent < PROGRESS_MS) return;
          sent = Date.now();
          job.updateProgress({ ...p }).catch(() => undefined);
        };
        const thread = runJobInThread({ spec: job.data.spec, what: `job ${spec.id}`, out: studyOut, resume: true }, onProgress);
        threads.add(thread);
        try {
          const record = await thread.result;
          log(`worker: ${spec.id} done`);
          return record;
        } catch (e) {
          log(`worker: ${spec.id} failed: ${(e as Error).message}`);
          throw jobFailure(e);
        } finally {
          threads.delete(thread);
        }
      };
      log(`worker: study ${queue}`);
      const worker = new Worker<QueuedJobData, string>(queue, processJob, { connection: bullConnection(server, giveUp), concurrency: o.concurrency, ...stall });
      worker.on('error', () => undefined); // connection trouble: bounded reconnects, then giveUp
      // work on this study while it is listed (its coordinator alive and waiting)
      while (!o.signal?.aborted && !lost && (await liveStudies(redis).catch(() => [queue])).includes(queue)) await sleep(o.pollMs ?? 1000, o.signal);
      if (o.signal?.aborted) {
        log(`worker: stopping; ${threads.size} running job(s) finish first (signal again to abandon them: they will be retried elsewhere)`);
        await worker.close();
      } else {
        // the coordinator is gone or done: nobody waits for what still runs
        await worker.close(true);
        await Promise.all([...threads].map((t) => t.terminate()));
        log(`worker: study ${queue} ended`);
      }
    }
    if (lost) throw lost;
  } finally {
    await Promise.all([...threads].map((t) => t.terminate()));
    redis.disconnect();
  }
}
