/**
 * The coordinator side of a study on a queue: put the jobs on a queue of their own, list it for
 * the workers, show progress from the workers' job.updateProgress, and return every job's record.
 * The first job that fails (for good: see failures.ts) ends the wait with its error. Whatever the
 * outcome, the listing and the queue (its jobs, events and keys) are removed.
 */
import { type Job, Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { type JobEvents, JobFailedError, type JobProgress, type JobRunner, type JobSpec, parseJobRecord, toJobJson } from '../compare';
import { bullConnection, checkReachable, parseQueueUrl } from './connection';
import { JOB_ATTEMPTS, RETRY_DELAY_MS } from './failures';
import { LISTING_RENEW_MS, listStudy, studyQueueName, unlistStudy } from './study_queue';
import type { QueuedJobData } from './worker';

export interface QueueOptions {
  url: string;
  /** Where the coordinator's lines go (default: the runner's events.log). */
  log?: (msg: string) => void;
  /** Stop waiting when aborted (the queue is removed; running jobs are abandoned). */
  signal?: AbortSignal;
  /** Say where to start workers when none took a job after this long (ms). */
  idleHintMs?: number;
}

/** How long the coordinator waits for the workers to leave its unlisted queue before removing it. */
const LEAVE_MS = 10000;

/**
 * Wait until no worker is connected to `queue` (they leave within a poll once it is unlisted), so
 * none writes to it after it is removed; give up after `ms`.
 */
async function workersGone(queue: Queue, ms: number): Promise<void> {
  const t0 = Date.now();
  while (Date.now() - t0 < ms && (await queue.getWorkersCount().catch(() => 0)) > 0) await new Promise((r) => setTimeout(r, 200));
}

/** A promise that rejects when `signal` aborts. */
function aborted(signal: AbortSignal | undefined): Promise<never> {
  return new Promise((_, reject) => {
    const stop = () => reject(new Error(`${signal!.reason ?? 'aborted'}: stopped waiting for the queue`));
    if (signal?.aborted) stop();
    else signal?.addEventListener('abort', stop, { once: true });
  });
}

/** A runner (lib/compare/run_jobs.ts) that runs the jobs on the workers of a Redis. */
export function onQueue(o: QueueOptions): JobRunner {
  return (specs, events) => runJobsOnQueue(specs, events, o);
}

/** Enqueue `specs`, report their progress and records through `events`, until all are done or one failed. */
export async function runJobsOnQueue(specs: JobSpec[], events: JobEvents, o: QueueOptions): Promise<void> {
  const log = o.log ?? events.log;
  const server = parseQueueUrl(o.url);
  await checkReachable(server);
  const byId = new Map(specs.map((s) => [s.id, s]));
  const name = studyQueueName(specs[0].study.id);
  let lost!: (e: Error) => void;
  const connectionLost = new Promise<never>((_, reject) => (lost = reject));
  connectionLost.catch(() => undefined);
  const connection = () => bullConnection(server, lost);
  const redis = new Redis(connection());
  const queue = new Queue<QueuedJobData, string, string>(name, { connection: connection() });
  const queueEvents = new QueueEvents(name, { connection: connection() });
  // connection errors: bounded reconnects, then `lost`
  redis.on('error', () => undefined);
  queue.on('error', () => undefined);
  queueEvents.on('error', () => undefined);
  const started = new Set<string>();
  let renew: NodeJS.Timeout | undefined;
  let hint: NodeJS.Timeout | undefined;
  try {
    await queueEvents.waitUntilReady();
    queueEvents.on('active', ({ jobId }) => {
      const spec = byId.get(jobId);
      if (spec && !started.has(jobId)) {
        started.add(jobId);
        events.start(spec);
      }
    });
    queueEvents.on('progress', ({ jobId, data }) => {
      const spec = byId.get(jobId);
      if (spec && typeof data === 'object') events.progress(spec, data as unknown as JobProgress);
    });
    queueEvents.on('stalled', ({ jobId }) => log(`queue: job ${jobId} lost its worker (no lock renewal); back in the queue for another worker`));
    const jobs: Job<QueuedJobData, string>[] = await queue.addBulk(
      specs.map((s) => ({ name: s.id, data: { spec: toJobJson(s) }, opts: { jobId: s.id, attempts: JOB_ATTEMPTS, backoff: { type: 'exponential', delay: RETRY_DELAY_MS } } })),
    );
    await listStudy(redis, name);
    renew = setInterval(() => void listStudy(redis, name).catch(() => undefined), LISTING_RENEW_MS);
    log(`queue: ${jobs.length} jobs on ${name} at ${server.url}; workers: mvlm worker --queue ${server.url}`);
    hint = setTimeout(() => {
      if (started.size === 0) log(`queue: no worker has taken a job yet; start one on each machine: mvlm worker --queue ${server.url} [--out DIR]`);
    }, o.idleHintMs ?? 15000);
    const finished = jobs.map(async (job) => {
      const spec = byId.get(job.id!)!;
      let text: string;
      try {
        text = await job.waitUntilFinished(queueEvents);
      } catch (e) {
        throw new JobFailedError(spec, (e as Error).message);
      }
      events.done(parseJobRecord(text, `record of job ${spec.id} from ${name}`));
    });
    await Promise.race([Promise.all(finished), connectionLost, aborted(o.signal)]);
  } finally {
    clearInterval(renew);
    clearTimeout(hint);
    await unlistStudy(redis, name).catch(() => undefined);
    await workersGone(queue, LEAVE_MS);
    await queue.obliterate({ force: true }).catch((e) => log(`queue: could not remove ${name}: ${(e as Error).message}`));
    await Promise.all([queueEvents.close(), queue.close()]).catch(() => undefined);
    redis.disconnect();
  }
}
