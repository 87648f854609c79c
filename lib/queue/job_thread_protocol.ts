/** Messages between a queue worker and the thread running one job (lib/queue/job_thread.ts). */
import type { JobProgress } from '../compare';

export interface JobThreadInput {
  /** The job spec as JSON text (toJobJson). */
  spec: string;
  /** Names the job in errors. */
  what: string;
  /** The worker's folder for this study; the job's run folder is inside it. */
  out: string;
  /** Continue from the run folder's newest good checkpoint (else start afresh). */
  resume: boolean;
}

export type JobThreadReply =
  | { kind: 'progress'; progress: JobProgress }
  | { kind: 'done'; record: string }
  | { kind: 'error'; message: string; stack?: string; code?: string };
