/**
 * AdamW (Loshchilov & Hutter; PyTorch's `torch.optim.AdamW` update) over a ParamStore:
 *   m ← β1·m + (1−β1)·g        v ← β2·v + (1−β2)·g²
 *   p ← p·(1 − lr·wd·[decay]) − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)
 * Decay is decoupled (not added to the gradient) and applied only where the store's `decay`
 * flag is true (false for biases, norms, embeddings, logit scale/bias). Everything runs in one
 * tf.tidy with the step count on the JS side: no per-step reads.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from '../core/params';
import { ADAMW_KERNEL, type AdamWKernelAttrs } from '../wasm/adamw_kernel';
import { MVLM_KERNELS } from '../wasm/kernels';

export interface AdamWOptions {
  /** [β1, β2], default [0.9, 0.999]. */
  betas?: [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Decoupled weight decay, default 0.01 (PyTorch's default). */
  weightDecay?: number;
}

interface Slot {
  m: tf.Variable;
  v: tf.Variable;
  /** The store's decay flag, fixed when the param was created. */
  decay: boolean;
}

let counter = 0;

export class AdamW {
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  /** Number of updates applied so far (t in the bias corrections). */
  step = 0;
  private readonly slots = new Map<string, Slot>();

  constructor(
    private readonly store: ParamStore,
    opts: AdamWOptions = {},
  ) {
    this.betas = opts.betas ?? [0.9, 0.999];
    this.eps = opts.eps ?? 1e-8;
    this.weightDecay = opts.weightDecay ?? 0.01;
    const [b1, b2] = this.betas;
    if (!(b1 >= 0 && b1 < 1 && b2 >= 0 && b2 < 1)) throw new Error(`AdamW: betas must be in [0, 1), got [${this.betas}]`);
    // Slots up front, so tf.memory().numTensors is flat from the first step on.
    for (const p of store.trainable()) this.slot(p.name);
  }

  /**
   * One update. `grads` maps store names to gradients shaped like their params; params without
   * a gradient are skipped entirely (no decay either, as PyTorch does for `grad is None`).
   * The caller keeps ownership of `grads`.
   */
  apply(grads: Map<string, tf.Tensor>, lr: number): void {
    if (!Number.isFinite(lr)) throw new Error(`AdamW.apply: lr must be finite, got ${lr}`);
    const t = this.step + 1;
    const [b1, b2] = this.betas;
    const bc1 = 1 - b1 ** t;
    const bc2 = 1 - b2 ** t;
    const keep = this.weightDecay === 0 ? 1 : 1 - lr * this.weightDecay;
    const h: Hyper = { b1, b2, bc1, bc2, eps: this.eps, lr, keep };
    const fused = MVLM_KERNELS.adamW && tf.getKernel(ADAMW_KERNEL, tf.getBackend()) != null;
    tf.tidy(() => {
      const update = fused ? kernelUpdate : tensorUpdate(h);
      for (const [name, g] of grads) {
        const p = this.store.variable(name);
        if (g.shape.join(',') !== p.shape.join(',')) {
          throw new Error(`AdamW: gradient of ${name} has shape [${g.shape}] but the param is [${p.shape}]`);
        }
        const { m, v, decay } = this.slot(name);
        const [pNew, mNew, vNew] = update(p, g, m, v, decay ? h : { ...h, keep: 1 });
        m.assign(mNew);
        v.assign(vNew);
        p.assign(pNew);
      }
    });
    this.step = t;
  }

  /** Optimizer state as named tensors (`<param>.m`, `<param>.v`); live variables, do not dispose. */
  stateTensors(): Map<string, tf.Tensor> {
    const out = new Map<string, tf.Tensor>();
    for (const [name, s] of [...this.slots].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      out.set(`${name}.m`, s.m);
      out.set(`${name}.v`, s.v);
    }
    return out;
  }

  /** Restore from `stateTensors()`-style names and the update count; the caller keeps `tensors`. */
  loadState(tensors: Map<string, tf.Tensor>, step: number): void {
    for (const [key, t] of tensors) {
      const match = /^(.*)\.(m|v)$/.exec(key);
      if (!match) throw new Error(`AdamW.loadState: unexpected state name ${key} (want <param>.m or <param>.v)`);
      const slot = this.slot(match[1]);
      const target = match[2] === 'm' ? slot.m : slot.v;
      if (t.shape.join(',') !== target.shape.join(',')) {
        throw new Error(`AdamW.loadState: ${key} has shape [${t.shape}] but the param is [${target.shape}]`);
      }
      target.assign(t);
    }
    this.step = step;
  }

  dispose(): void {
    for (const s of this.slots.values()) {
      s.m.dispose();
      s.v.dispose();
    }
    this.slots.clear();
  }

  private slot(name: string): Slot {
    let s = this.slots.get(name);
    if (!s) {
      const info = this.store.list().find((p) => p.name === name);
      if (!info) throw new Error(`AdamW: param ${name} is not in the store`);
      const id = counter++;
      s = { m: zerosVariable(info.variable.shape, `adamw_${id}_${name}.m`), v: zerosVariable(info.variable.shape, `adamw_${id}_${name}.v`), decay: info.decay };
      this.slots.set(name, s);
    }
    return s;
  }
}

/** One step's hyper-parameters; keep = 1 − lr·wd for decayed params, 1 otherwise. */
type Hyper = AdamWKernelAttrs;
type Update = (p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, h: Hyper) => tf.Tensor[];

/** One kernel per param (lib/wasm/adamw_kernel.ts): the same float32 ops in the same order. */
const kernelUpdate: Update = (p, g, m, v, h) => tf.engine().runKernel(ADAMW_KERNEL, { p, g, m, v }, h as unknown as tf.NamedAttrMap) as tf.Tensor[];

/** The update in tensor ops, with the step's constants as scalars made once (not ~10 per param). */
function tensorUpdate(step: Hyper): Update {
  const c = (x: number) => tf.scalar(x);
  const [b1s, b1c, b2s, b2c, bc1s, bc2s, eps, lrs, keepDecayed] = [step.b1, 1 - step.b1, step.b2, 1 - step.b2, step.bc1, step.bc2, step.eps, step.lr, step.keep].map(c);
  return (p, g, m, v, h) => {
    const mNew = tf.add(tf.mul(m, b1s), tf.mul(g, b1c));
    const vNew = tf.add(tf.mul(v, b2s), tf.mul(tf.square(g), b2c));
    const denom = tf.add(tf.sqrt(tf.div(vNew, bc2s)), eps);
    const stepDir = tf.div(tf.div(mNew, bc1s), denom);
    const decayed = h.keep === 1 ? p : tf.mul(p, keepDecayed);
    return [tf.sub(decayed, tf.mul(stepDir, lrs)), mNew, vNew];
  };
}

function zerosVariable(shape: number[], name: string): tf.Variable {
  const z = tf.zeros(shape);
  const v = tf.variable(z, false, name);
  z.dispose();
  return v;
}
