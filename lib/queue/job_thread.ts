/**
 * One queued job in a worker thread: its own tfjs backend, `runJob` on the spec, progress and the
 * record posted back. Training keeps its thread busy between steps; in a thread of its own it
 * leaves the worker's event loop free to renew the job's lock in Redis (a lock not renewed in time
 * makes BullMQ hand the job to another worker as stalled).
 */
import { parentPort, workerData } from 'worker_threads';
import { initBackend } from '../backend';
import { parseJobSpec, runJob, toJobJson } from '../compare';
import type { JobThreadInput, JobThreadReply } from './job_thread_protocol';

async function main(): Promise<void> {
  const port = parentPort!;
  const input = workerData as JobThreadInput;
  const reply = (msg: JobThreadReply) => port.postMessage(msg);
  try {
    const spec = parseJobSpec(input.spec, input.what);
    const backend = await initBackend({ quiet: true });
    const record = await runJob(spec, { out: input.out, backend, resume: input.resume, onProgress: (progress) => reply({ kind: 'progress', progress }) });
    reply({ kind: 'done', record: toJobJson(record) });
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    reply({ kind: 'error', message: err?.message ?? String(e), stack: err?.stack, code: typeof err?.code === 'string' ? err.code : undefined });
  }
}

void main();
