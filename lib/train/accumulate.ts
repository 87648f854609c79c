/**
 * Gradient accumulation: each micro-batch's loss is differentiated on its own (so only one
 * micro-batch of activations is alive at a time), gradients, totals and terms are summed, and
 * `finish()` returns their means. With mean-reduced losses and equal micro-batches this is the
 * gradient of the whole batch.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from '../core/params';

/** What a task's loss returns for one micro-batch: scalars only. */
export interface LossOutput {
  /** The weighted total that is differentiated. */
  total: tf.Scalar;
  /** Every named term (unweighted or weighted, as the task logs them). */
  terms: Record<string, tf.Scalar>;
}

export interface AccumulatedStep {
  /** Mean gradients by ParamStore name (params that got no gradient are absent). */
  grads: Map<string, tf.Tensor>;
  total: tf.Scalar;
  terms: Record<string, tf.Scalar>;
}

export class GradAccumulator {
  private count = 0;
  private grads = new Map<string, tf.Tensor>();
  private total: tf.Scalar | null = null;
  private terms: Record<string, tf.Scalar> = {};
  private readonly byVariable: Map<string, string>;
  private readonly variables: tf.Variable[];

  constructor(store: ParamStore) {
    const trainable = store.trainable();
    if (trainable.length === 0) throw new Error('GradAccumulator: the ParamStore has no trainable params (build the model before training)');
    this.variables = trainable.map((p) => p.variable);
    this.byVariable = new Map(trainable.map((p) => [p.variable.name, p.name]));
  }

  /** Differentiate one micro-batch's loss (`forward` runs inside tf.variableGrads) and add it in. */
  add(forward: () => LossOutput): void {
    let kept: Record<string, tf.Scalar> = {};
    const { value, grads } = tf.variableGrads(() => {
      const out = forward();
      checkScalars(out);
      // Terms are not returned from the differentiated function: keep them past its tidy.
      kept = Object.fromEntries(Object.entries(out.terms).map(([k, t]) => [k, tf.keep(t)]));
      return out.total;
    }, this.variables);
    const owned = new Set<tf.Tensor>([value, ...Object.values(kept), ...Object.values(grads).filter((g) => g != null)]);
    try {
      if (this.count > 0) {
        const have = Object.keys(this.terms).sort().join(',');
        const got = Object.keys(kept).sort().join(',');
        if (have !== got) throw new Error(`loss terms changed between micro-batches: [${have}] then [${got}]`);
      }
      this.total = addInto(this.total, value);
      for (const [k, t] of Object.entries(kept)) this.terms[k] = addInto(this.terms[k] ?? null, t);
      for (const [varName, g] of Object.entries(grads)) {
        if (g == null) continue;
        const name = this.byVariable.get(varName)!;
        this.grads.set(name, addInto(this.grads.get(name) ?? null, g));
      }
      this.count++;
    } finally {
      for (const t of owned) t.dispose();
    }
  }

  /** Means over the added micro-batches; the caller owns (and disposes) the result. */
  finish(): AccumulatedStep {
    if (this.count === 0 || this.total === null) throw new Error('GradAccumulator.finish: no micro-batch was added');
    const k = this.count;
    const mean = <T extends tf.Tensor>(t: T): T => {
      if (k === 1) return t;
      const m = tf.div(t, k) as T;
      t.dispose();
      return m;
    };
    const grads = new Map([...this.grads].map(([n, g]) => [n, mean(g)]));
    const out = { grads, total: mean(this.total), terms: Object.fromEntries(Object.entries(this.terms).map(([n, t]) => [n, mean(t)])) };
    this.grads = new Map();
    this.total = null;
    this.terms = {};
    this.count = 0;
    return out;
  }

  /** Drop a partly accumulated step (after an error). */
  dispose(): void {
    tf.dispose([...this.grads.values(), ...(this.total ? [this.total] : []), ...Object.values(this.terms)]);
    this.grads = new Map();
    this.total = null;
    this.terms = {};
    this.count = 0;
  }
}

/** acc + t as a new tensor (acc disposed), or a copy of t when acc is null. */
function addInto<T extends tf.Tensor>(acc: T | null, t: T): T {
  if (acc === null) return t.clone() as T;
  const sum = tf.add(acc, t) as T;
  acc.dispose();
  return sum;
}

function checkScalars(out: LossOutput): void {
  if (!out || !(out.total instanceof tf.Tensor)) throw new Error('task.loss must return { total: tf.Scalar, terms: {...} }');
  if (out.total.rank !== 0) throw new Error(`task.loss: total must be a scalar, got shape [${out.total.shape}]`);
  for (const [k, t] of Object.entries(out.terms ?? {})) {
    if (!(t instanceof tf.Tensor) || t.rank !== 0) throw new Error(`task.loss: term ${k} must be a scalar tensor, got ${t instanceof tf.Tensor ? `shape [${t.shape}]` : typeof t}`);
  }
}
