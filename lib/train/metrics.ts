/**
 * `OUT/metrics.jsonl`: one JSON object per line, one line per log interval:
 * `{step, loss, <term>..., gradNorm, lr, samplesPerSec, numTensors, eval?}`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readJsonLinesFile } from '../io/json';

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
    fs.mkdirSync(out, { recursive: true });
    this.file = path.join(out, METRICS_FILE);
    if (resumeStep === null || !fs.existsSync(this.file)) {
      fs.writeFileSync(this.file, '');
      return;
    }
    const kept = readMetrics(this.file).filter((l) => l.step <= resumeStep);
    fs.writeFileSync(this.file, kept.map((l) => JSON.stringify(l) + '\n').join(''));
  }

  write(line: MetricsLine): void {
    fs.appendFileSync(this.file, JSON.stringify(line) + '\n');
  }
}

/** Parse a metrics.jsonl file (blank lines skipped; a bad line throws with its number). */
export function readMetrics(file: string): MetricsLine[] {
  return readJsonLinesFile(file, 'metrics') as MetricsLine[];
}
