/**
 * A toy task for trainer tests: linear regression y = X·w* + b* on a fixed seeded dataset of 64
 * rows, shuffled per epoch by the data RNG (cursor + order are the task's extra state), with
 * input noise drawn from the loss RNG so both RNG streams matter for resume equality.
 */
import * as tf from '@tensorflow/tfjs';
import { ParamStore } from '../../lib/core/params';
import { Rng } from '../../lib/random';
import type { TrainTask } from '../../lib/train/trainer';

export interface ToyBatch {
  x: tf.Tensor2D; // [B, D]
  y: tf.Tensor2D; // [B, 1]
}

export interface ToyOptions {
  batch?: number;
  dim?: number;
  seed?: number;
  /** Make term "mse" NaN at this step. */
  nanAt?: number;
  /** Input noise std from the loss RNG (0 = none, deterministic batches). */
  noise?: number;
}

export class ToyTask implements TrainTask<ToyBatch> {
  readonly store: ParamStore;
  private readonly x: tf.Tensor2D; // [64, D]
  private readonly y: tf.Tensor2D; // [64, 1]
  cursor = 0;
  order: number[] = [];
  evalHook?: TrainTask<ToyBatch>['evalHook'];
  gradients?: TrainTask<ToyBatch>['gradients'];
  constructor(private readonly o: ToyOptions = {}) {
    const dim = o.dim ?? 4;
    const rng = new Rng(o.seed ?? 1);
    this.store = new ParamStore(rng.fork('params'));
    this.store.get('lin.w', [dim, 1], { kind: 'xavierUniform' });
    this.store.get('lin.b', [1], { kind: 'zeros' });
    const data = rng.fork('data');
    const xs = Array.from({ length: 64 * dim }, () => data.normal());
    const wStar = Array.from({ length: dim }, (_, i) => i - dim / 2);
    const ys = Array.from({ length: 64 }, (_, r) => wStar.reduce((a, w, i) => a + w * xs[r * dim + i], 0.5) + 0.01 * data.normal());
    this.x = tf.tensor2d(xs, [64, dim]);
    this.y = tf.tensor2d(ys, [64, 1]);
  }

  nextBatch(_step: number, rng: Rng): ToyBatch {
    const n = this.o.batch ?? 8;
    const idx: number[] = [];
    while (idx.length < n) {
      if (this.cursor >= this.order.length) {
        this.order = rng.permutation(64);
        this.cursor = 0;
      }
      idx.push(this.order[this.cursor++]);
    }
    return tf.tidy(() => {
      const i = tf.tensor1d(idx, 'int32');
      return { x: tf.gather(this.x, i), y: tf.gather(this.y, i) };
    });
  }

  disposeBatch(b: ToyBatch): void {
    tf.dispose([b.x, b.y]);
  }

  loss(b: ToyBatch, step: number, rng: Rng) {
    const w = this.store.variable('lin.w');
    const bias = this.store.variable('lin.b');
    const noise = this.o.noise ?? 0.01;
    const x = noise > 0 ? tf.add(b.x, tf.randomNormal(b.x.shape, 0, noise, 'float32', rng.tfSeed())) : b.x;
    const pred = tf.add(tf.matMul(x, w), bias);
    let mse = tf.mean(tf.square(tf.sub(pred, b.y))) as tf.Scalar;
    if (step === this.o.nanAt) mse = tf.mul(mse, NaN) as tf.Scalar;
    const l2 = tf.mul(1e-3, tf.sum(tf.square(w))) as tf.Scalar;
    return { total: tf.add(mse, l2) as tf.Scalar, terms: { mse, l2 } };
  }

  extraState() {
    return { cursor: this.cursor, order: this.order };
  }

  restoreExtraState(s: unknown): void {
    const st = s as { cursor: number; order: number[] };
    this.cursor = st.cursor;
    this.order = st.order;
  }

  /** Current parameter values (for comparisons). */
  params(): Record<string, number[]> {
    return Object.fromEntries(this.store.list().map((p) => [p.name, Array.from(p.variable.dataSync())]));
  }

  dispose(): void {
    this.store.dispose();
    tf.dispose([this.x, this.y]);
  }
}
