/**
 * AdamW (Loshchilov & Hutter; PyTorch's `torch.optim.AdamW` update) over a ParamStore:
 *   m ← β1·m + (1−β1)·g        v ← β2·v + (1−β2)·g²
 *   p ← p·(1 − lr·wd·[decay]) − lr · (m / (1−β1ᵗ)) / (√(v / (1−β2ᵗ)) + ε)
 * Decay is decoupled (not added to the gradient) and applied only where the store's `decay`
 * flag is true (false for biases, norms, embeddings, logit scale/bias). Everything runs in one
 * tf.tidy with the step count on the JS side: no per-step reads.
 * Param groups (PyTorch's `param_groups`): a param created with `lrGroup: g` steps with
 * lr · lrMultipliers[g] (and decays with that lr), e.g. SigLIP's logit scale and bias.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from '../core/params';
import { MVLM_KERNELS } from '../backend/switches';
import { ADAMW_KERNEL, type AdamWKernelAttrs } from '../backend/wasm/adamw_kernel';

export interface AdamWOptions {
  /** [β1, β2], default [0.9, 0.999]. */
  betas?: [number, number];
  /** Default 1e-8. */
  eps?: number;
  /** Decoupled weight decay, default 0.01 (PyTorch's default). */
  weightDecay?: number;
  /** Learning-rate multiplier per param group (the store's `lrGroup`); other params use 1. */
  lrMultipliers?: Record<string, number>;
}

interface Slot {
  m: tf.Variable;
  v: tf.Variable;
  /** The store's decay flag, fixed when the param was created. */
  decay: boolean;
  /** lr multiplier of the param's group (1 outside any configured group). */
  lrScale: number;
}

let counter = 0;

export class AdamW {
  readonly betas: [number, number];
  readonly eps: number;
  readonly weightDecay: number;
  readonly lrMultipliers: Readonly<Record<string, number>>;
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
    this.lrMultipliers = { ...opts.lrMultipliers };
    for (const [group, k] of Object.entries(this.lrMultipliers)) {
      if (!(Number.isFinite(k) && k > 0)) throw new Error(`AdamW: lrMultipliers.${group} must be a positive finite number, got ${k}`);
    }
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
    const hyper = (groupLr: number): Hyper => ({ b1, b2, bc1, bc2, eps: this.eps, lr: groupLr, keep: this.weightDecay === 0 ? 1 : 1 - groupLr * this.weightDecay });
    const h = hyper(lr);
    const fused = MVLM_KERNELS.adamW && tf.getKernel(ADAMW_KERNEL, tf.getBackend()) != null;
    tf.tidy(() => {
      const update = fused ? kernelUpdate : tensorUpdate(h);
      for (const [name, g] of grads) {
        const p = this.store.variable(name);
        if (g.shape.join(',') !== p.shape.join(',')) {
          throw new Error(`AdamW: gradient of ${name} has shape [${g.shape}] but the param is [${p.shape}]`);
        }
        const { m, v, decay, lrScale } = this.slot(name);
        const hp = lrScale === 1 ? h : hyper(lr * lrScale);
        const [pNew, mNew, vNew] = update(p, g, m, v, decay ? hp : { ...hp, keep: 1 });
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
      s = { m: zerosVariable(info.variable.shape, `adamw_${id}_${name}.m`), v: zerosVariable(info.variable.shape, `adamw_${id}_${name}.v`), decay: info.decay, lrScale: (info.lrGroup && this.lrMultipliers[info.lrGroup]) || 1 };
      this.slots.set(name, s);
    }
    return s;
  }
}

/** One step's hyper-parameters; keep = 1 − lr·wd for decayed params, 1 otherwise. */
type Hyper = AdamWKernelAttrs;
type Update = (p: tf.Tensor, g: tf.Tensor, m: tf.Tensor, v: tf.Tensor, h: Hyper) => tf.Tensor[];

/** One kernel per param (lib/backend/wasm/adamw_kernel.ts): the same float32 ops in the same order. */
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
    // a param group with its own lr brings its own lr and keep (made only for those few params)
    const own = h.lr !== step.lr;
    const decayed = h.keep === 1 ? p : tf.mul(p, own ? c(h.keep) : keepDecayed);
    return [tf.sub(decayed, tf.mul(stepDir, own ? c(h.lr) : lrs)), mNew, vNew];
  };
}

function zerosVariable(shape: number[], name: string): tf.Variable {
  const z = tf.zeros(shape);
  const v = tf.variable(z, false, name);
  z.dispose();
  return v;
}
