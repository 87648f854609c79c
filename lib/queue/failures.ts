/**
 * Which job failures are worth another attempt. A job is deterministic given its spec (seeded
 * data, init, masks, eval subsets), so an error thrown while running it comes back on every retry:
 * a bad config, an unknown dataset, a non-finite loss, a shape mismatch. Only the machine around it
 * can fail and then succeed: I/O on (shared) storage, the network, resources. Those are retried a
 * few times; every other error fails the job at once. A worker that dies (SIGKILL, OOM, power) is
 * not an error here: BullMQ's stalled-job check hands its job to another worker.
 */
export const TRANSIENT_CODES = new Set([
  'EIO', 'EAGAIN', 'EBUSY', 'ESTALE', 'ETIMEDOUT', 'ENOSPC', 'EDQUOT', 'EMFILE', 'ENFILE', 'ENOMEM',
  'ECONNRESET', 'ECONNREFUSED', 'ECONNABORTED', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN',
  // a job thread that ran out of heap, or died without a reply: the machine, not the spec
  'ERR_WORKER_OUT_OF_MEMORY', 'ERR_JOB_THREAD_EXIT',
]);

/** Whether an error with this Node error code (if any) may pass on another attempt. */
export function isTransient(code: string | undefined): boolean {
  return code !== undefined && TRANSIENT_CODES.has(code);
}

/** Attempts for a job whose errors are transient (a permanent error fails at the first). */
export const JOB_ATTEMPTS = 3;
/** First retry delay; it doubles per attempt. */
export const RETRY_DELAY_MS = 2000;
