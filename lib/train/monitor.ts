/**
 * Per-step loss values without per-step reads. Each step appends one row
 * [total, term_1..term_k, gradNorm] to a single on-device buffer (so the tensor count stays
 * constant); `flush()` reads the buffer once and checks every row, so a NaN/Inf is still
 * attributed to the exact step and term where it first appeared.
 */
import * as tf from '@tensorflow/tfjs';

export interface StepRecord {
  step: number;
  loss: number;
  terms: Record<string, number>;
  gradNorm: number;
}

/** A non-finite loss (or gradient norm): names the step and the term that broke. */
export class NonFiniteLossError extends Error {
  constructor(
    readonly step: number,
    readonly term: string,
    readonly value: number,
    detail: string,
  ) {
    super(detail);
    this.name = 'NonFiniteLossError';
  }
}

export class LossMonitor {
  private names: string[] | null = null;
  /** [S, 2 + terms] rows of steps not read yet. */
  private pending: tf.Tensor2D | null = null;
  private steps: number[] = [];

  /** Record step `step`'s scalars (not disposed here; the caller keeps ownership). */
  push(step: number, total: tf.Scalar, terms: Record<string, tf.Scalar>, gradNorm: tf.Scalar): void {
    const names = Object.keys(terms).sort();
    if (this.names === null) this.names = names;
    else if (this.names.join(',') !== names.join(',')) {
      throw new Error(`loss terms changed at step ${step}: [${this.names}] then [${names}]`);
    }
    const row = tf.tidy(() => tf.stack([total, ...names.map((n) => terms[n]), gradNorm]).reshape([1, -1]) as tf.Tensor2D);
    if (this.pending === null) this.pending = row;
    else {
      const old = this.pending;
      this.pending = tf.concat([old, row]);
      old.dispose();
      row.dispose();
    }
    this.steps.push(step);
  }

  /** Read all pending rows (one read); throws NonFiniteLossError at the first bad step. */
  async flush(): Promise<StepRecord[]> {
    if (this.pending === null) return [];
    const pending = this.pending;
    const steps = this.steps;
    this.pending = null;
    this.steps = [];
    const values = await pending.data();
    pending.dispose();
    const names = this.names!;
    const width = names.length + 2;
    return steps.map((step, i) => {
      const row = values.subarray(i * width, (i + 1) * width);
      const rec: StepRecord = { step, loss: row[0], terms: {}, gradNorm: row[width - 1] };
      names.forEach((n, j) => (rec.terms[n] = row[j + 1]));
      checkFinite(rec);
      return rec;
    });
  }

  dispose(): void {
    this.pending?.dispose();
    this.pending = null;
    this.steps = [];
  }
}

function checkFinite(r: StepRecord): void {
  const badTerm = Object.entries(r.terms).find(([, v]) => !Number.isFinite(v));
  if (badTerm) {
    throw new NonFiniteLossError(r.step, badTerm[0], badTerm[1], `non-finite loss at step ${r.step}: term "${badTerm[0]}" = ${badTerm[1]} (total loss = ${r.loss})`);
  }
  if (!Number.isFinite(r.loss)) {
    throw new NonFiniteLossError(r.step, 'total', r.loss, `non-finite loss at step ${r.step}: total loss = ${r.loss} (every named term is finite)`);
  }
  if (!Number.isFinite(r.gradNorm)) {
    throw new NonFiniteLossError(r.step, 'gradNorm', r.gradNorm, `non-finite gradient at step ${r.step}: global grad norm = ${r.gradNorm} (loss = ${r.loss})`);
  }
}
