/**
 * Resuming a job from a checkpoint and still returning the record an uninterrupted run would: the
 * per-step losses and the learning-curve points before the checkpoint cannot be recomputed, so the
 * job appends them to `<run folder>/job_progress.jsonl` as they happen (a step's records before its
 * checkpoint is written). A resumed job keeps the lines up to its checkpoint's step and drops the
 * rest (run after the checkpoint, before the crash); a fresh job starts the file empty.
 */
import * as fs from 'fs';
import * as path from 'path';
import { listCheckpoints, newestGoodCheckpoint, readCheckpointState, type StepRecord } from '../train';
import type { Sample } from '../stats';
import { parseTagged, toJobJson } from './job_json';

export const JOB_PROGRESS_FILE = 'job_progress.jsonl';

/** A learning-curve point as the job records it (the last one's metrics come from the final evaluation). */
export interface CurveDraft {
  step: number;
  /** Training seconds so far (evaluations excluded). */
  seconds: number;
  metrics: Record<string, Sample>;
}

type ProgressLine = { history: StepRecord[]; seconds: number } | { curve: CurveDraft };

/** The step of the newest good checkpoint in `runDir`, or null when there is none to resume from. */
export function resumableStep(runDir: string): number | null {
  if (listCheckpoints(runDir).length === 0) return null;
  try {
    return readCheckpointState(newestGoodCheckpoint(runDir)).step;
  } catch {
    return null; // every checkpoint damaged: start afresh
  }
}

export class JobProgressLog {
  readonly file: string;
  /** Records of the steps up to the resume step (empty for a fresh job). */
  readonly history: StepRecord[] = [];
  readonly curve: CurveDraft[] = [];
  /** Training seconds up to the resume step. */
  readonly seconds: number = 0;

  /** Open the log of `runDir`: kept up to `resumeStep`, or emptied when null. */
  constructor(runDir: string, resumeStep: number | null) {
    this.file = path.join(runDir, JOB_PROGRESS_FILE);
    fs.mkdirSync(runDir, { recursive: true });
    if (resumeStep !== null && fs.existsSync(this.file)) {
      const lines = fs.readFileSync(this.file, 'utf8').split('\n').filter((l) => l.trim() !== '');
      for (const [i, text] of lines.entries()) {
        let line: ProgressLine;
        try {
          line = parseTagged(text, `${this.file} line ${i + 1}`) as ProgressLine;
        } catch {
          break; // a line cut by the crash: everything before it is whole
        }
        if ('history' in line) {
          const kept = line.history.filter((r) => r.step <= resumeStep);
          this.history.push(...kept);
          if (kept.length > 0) this.seconds = line.seconds;
        } else if (line.curve.step <= resumeStep) this.curve.push(line.curve);
      }
    }
    fs.writeFileSync(this.file, [...(this.history.length ? [{ history: this.history, seconds: this.seconds }] : []), ...this.curve.map((curve) => ({ curve }))].map((l) => `${toJobJson(l)}\n`).join(''));
  }

  addHistory(records: StepRecord[], seconds: number): void {
    fs.appendFileSync(this.file, `${toJobJson({ history: records, seconds })}\n`);
  }

  addCurve(point: CurveDraft): void {
    fs.appendFileSync(this.file, `${toJobJson({ curve: point })}\n`);
  }
}
