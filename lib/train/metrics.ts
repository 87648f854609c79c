/**
 * `OUT/metrics.jsonl`: one JSON object per line, one line per log interval:
 * `{step, loss, <term>..., gradNorm, lr, samplesPerSec, numTensors, eval?}`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readJsonLinesFile } from '../io/json';
import { writing } from '../io/write_error';

export interface MetricsLine {
  step: number;
  /** Mean weighted total loss over the interval's steps. */
  loss: number;
  lr: number;
  samplesPerSec: number;
  numTensors: number;
  /** Evaluation results, when the eval hook ran at this step. */
  eval?: Record<string, number>;
  /** Every named loss term (interval mean) and gradNorm. */
  [term: string]: number | Record<string, number> | undefined;
}

export const METRICS_FILE = 'metrics.jsonl';

export class MetricsLog {
  readonly file: string;

  /**
   * Open `out/metrics.jsonl`. A fresh run truncates it; a run resumed from step `resumeStep`
   * keeps the lines up to that step and drops later ones (logged after the checkpoint, before a crash).
   */
  constructor(out: string, resumeStep: number | null) {
    this.file = path.join(out, METRICS_FILE);
    const when = `before step ${(resumeStep ?? 0) + 1}`;
    writing(out, when, () => fs.mkdirSync(out, { recursive: true }));
    if (resumeStep === null || !fs.existsSync(this.file)) {
      writing(this.file, when, () => fs.writeFileSync(this.file, ''));
      return;
    }
    const kept = readMetrics(this.file).filter((l) => l.step <= resumeStep);
    writing(this.file, when, () => fs.writeFileSync(this.file, kept.map((l) => JSON.stringify(l) + '\n').join('')));
  }

  write(line: MetricsLine): void {
    writing(this.file, `step ${line.step}: metrics not logged`, () => fs.appendFileSync(this.file, JSON.stringify(line) + '\n'));
  }
}

/** Parse a metrics.jsonl file (blank lines skipped; a bad line throws with its number). */
export function readMetrics(file: string): MetricsLine[] {
  return readJsonLinesFile(file, 'metrics') as MetricsLine[];
}
