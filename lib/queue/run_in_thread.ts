/** Run one job in a worker thread (lib/queue/job_thread.ts) and get its record back as JSON text. */
import * as path from 'path';
import { Worker } from 'worker_threads';
import type { JobProgress } from '../compare';
import type { JobThreadInput, JobThreadReply } from './job_thread_protocol';

/** An error of the job, with its Node error code when it had one (the retry policy reads it). */
export class JobError extends Error {
  constructor(
    message: string,
    readonly code?: string,
    readonly jobStack?: string,
  ) {
    super(message);
    this.name = 'JobError';
  }
}

/** The thread on the compiled .js in dist/, or on the .ts source through ts-node. */
function startThread(input: JobThreadInput): Worker {
  const file = path.join(__dirname, `job_thread${path.extname(__filename)}`);
  if (file.endsWith('.js')) return new Worker(file, { workerData: input });
  const boot = `require('ts-node').register({ transpileOnly: true }); require(${JSON.stringify(file)});`;
  return new Worker(boot, { eval: true, workerData: input });
}

export interface JobThread {
  /** The record (toJobJson text), or a JobError. */
  result: Promise<string>;
  /** Stop the thread now (the job is abandoned; its checkpoints stay). */
  terminate(): Promise<void>;
}

export function runJobInThread(input: JobThreadInput, onProgress: (p: JobProgress) => void): JobThread {
  const thread = startThread(input);
  const result = new Promise<string>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (!settled) {
        settled = true;
        f();
      }
    };
    thread.on('message', (msg: JobThreadReply) => {
      if (msg.kind === 'progress') onProgress(msg.progress);
      else if (msg.kind === 'done') settle(() => resolve(msg.record));
      else settle(() => reject(new JobError(msg.message, msg.code, msg.stack)));
    });
    thread.on('error', (e: NodeJS.ErrnoException) => settle(() => reject(new JobError(`${input.what}: job thread failed: ${e.message}`, e.code, e.stack))));
    thread.on('exit', (code) => settle(() => reject(new JobError(`${input.what}: job thread exited (code ${code}) without a result`, 'ERR_JOB_THREAD_EXIT'))));
  }).finally(() => void thread.terminate());
  return { result, terminate: async () => void (await thread.terminate()) };
}
