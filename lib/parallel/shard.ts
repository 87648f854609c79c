/**
 * What a data-parallel worker runs: a `ShardTask` (its own model replica and data) built in the
 * worker by a factory named by module path + export, so nothing but plain data crosses threads.
 * Step s's global batch is cut into `numShards` equal shards. In 'global' mode (the default) every
 * shard's objective is the whole batch's (objectives/global_batch.ts): randomness drawn for the
 * whole batch from the step's rng, losses normalised by whole-batch counts, and the features that
 * batch-coupled terms compare gathered from every shard in a first pass without gradient; the mean
 * of the shard gradients is then the one-process gradient, whatever the shard or worker count.
 * 'local' mode is the old per-shard objective (each shard its own negatives and its own rng fork
 * `shard k`), kept to measure what gathering costs.
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from '../core/params';
import type { VisionLanguageModel } from '../models';
import type { ObjectiveMix, StepInputs, TrainBatch } from '../objectives';
import { Rng } from '../random';
import type { LossOutput } from '../train/accumulate';
import { floatsOf, tensorFromFloats } from '../backend/wasm/host_copy';

export type ShardMode = 'global' | 'local';

/** Features by key `objective/feature` as they cross threads: float32 rows [b or B, ...]. */
export type HostFeatures = Record<string, { shape: number[]; data: Float32Array }>;

export interface ShardTask {
  /** The replica's parameters; the coordinator overwrites trainable ones before every step. */
  store: ParamStore;
  /** Some objective compares features across the batch: 'global' steps first run `features` on every shard. */
  gathers: boolean;
  /** First pass of shard `shard`, no gradient: its rows' features by key (kept; the caller disposes). */
  features(step: number, shard: number, numShards: number, rng: Rng): Record<string, tf.Tensor>;
  /**
   * Loss of shard `shard` (of `numShards`) of step `step`; runs inside tf.variableGrads. `gathered`:
   * every shard's features [B, ...] ('global' mode, when `gathers`).
   */
  loss(step: number, shard: number, numShards: number, rng: Rng, mode: ShardMode, gathered?: Record<string, tf.Tensor>): LossOutput;
  dispose(): void;
}

/** A factory a worker can load: `require(module)[exportName](args)`; args must be structured-cloneable. */
export interface TaskSource {
  /** Absolute module path without extension (resolves to .ts under ts-node, .js in dist/). */
  module: string;
  exportName: string;
  args: unknown;
}

export async function loadTask(source: TaskSource): Promise<ShardTask> {
  const mod = require(source.module) as Record<string, (args: unknown) => ShardTask | Promise<ShardTask>>;
  const factory = mod[source.exportName];
  if (typeof factory !== 'function') throw new Error(`parallel: ${source.module} has no export '${source.exportName}'`);
  return factory(source.args);
}

/** The rng of shard k of a step whose loss rng state is `state`: the step's own in 'global' mode, a fork per shard in 'local'. */
export function shardRng(state: number, shard: number, mode: ShardMode = 'global'): Rng {
  const rng = new Rng(0);
  rng.setState(state);
  return mode === 'global' ? rng : rng.fork(`shard ${shard}`);
}

/** First pass of 'global' mode: each of `shards`' features, read to the host (in `shards` order). */
export function shardFeatures(task: ShardTask, step: number, shards: number[], numShards: number, rngState: number): HostFeatures[] {
  return shards.map((shard) => {
    const features = task.features(step, shard, numShards, shardRng(rngState, shard));
    try {
      // a copy: floatsOf may be a view of the wasm heap
      return Object.fromEntries(Object.entries(features).map(([k, t]) => [k, { shape: t.shape, data: floatsOf(t).slice() }]));
    } finally {
      tf.dispose(Object.values(features));
    }
  });
}

/** Every shard's features (shard order 0..S−1) joined along rows: the whole batch's. */
export function joinFeatures(byShard: HostFeatures[]): HostFeatures {
  const out: HostFeatures = {};
  for (const key of Object.keys(byShard[0] ?? {})) {
    const parts = byShard.map((f, k) => {
      const part = f[key];
      if (!part) throw new Error(`parallel: shard ${k} sent no feature '${key}'`);
      return part;
    });
    const rows = parts.reduce((a, p) => a + p.shape[0], 0);
    const data = new Float32Array(parts.reduce((a, p) => a + p.data.length, 0));
    let at = 0;
    for (const p of parts) {
      data.set(p.data, at);
      at += p.data.length;
    }
    out[key] = { shape: [rows, ...parts[0].shape.slice(1)], data };
  }
  return out;
}

/** Rows [k·B/S, (k+1)·B/S) of a batch (B must divide by S); the caller disposes the result. */
export function sliceBatch(batch: TrainBatch, shard: number, numShards: number): TrainBatch {
  const B = batch.images.shape[0];
  if (B % numShards !== 0) throw new Error(`parallel: batch of ${B} does not split into ${numShards} equal shards`);
  const n = B / numShards;
  const at = shard * n;
  const rows = <T>(x: T[] | undefined) => x?.slice(at, at + n);
  return {
    images: batch.images.slice([at, 0, 0, 0], [n, -1, -1, -1]),
    tokens: batch.tokens.slice([at, 0], [n, -1]),
    attention: batch.attention.slice([at, 0], [n, -1]),
    tokenRows: rows(batch.tokenRows),
    wordStarts: rows(batch.wordStarts),
    captions: rows(batch.captions),
  };
}

/** Names and sizes of the trainable params, in store order: the layout of every shared buffer. */
export interface ParamLayout {
  names: string[];
  shapes: number[][];
  offsets: number[];
  total: number;
}

export function paramLayout(store: ParamStore): ParamLayout {
  const params = store.trainable();
  const offsets: number[] = [];
  let total = 0;
  for (const p of params) {
    offsets.push(total);
    total += p.variable.size;
  }
  return { names: params.map((p) => p.name), shapes: params.map((p) => p.variable.shape), offsets, total };
}

/**
 * Sum of the gradients of `shards` into `out` (flat, layout order) and the summed loss values.
 * Shards are summed on the device in shard order and copied out once; params without a gradient
 * get zeros.
 */
export function shardGradients(
  task: ShardTask,
  layout: ParamLayout,
  step: number,
  shards: number[],
  numShards: number,
  rngState: number,
  out: Float32Array,
  mode: ShardMode = 'global',
  gathered?: HostFeatures,
): { total: number; terms: Record<string, number> } {
  if (mode === 'global' && task.gathers && numShards > 1 && !gathered) throw new Error('parallel: this task gathers features; pass the joined features of the step (shardFeatures + joinFeatures)');
  const params = task.store.trainable();
  const vars = params.map((p) => p.variable);
  let total = 0;
  const terms: Record<string, number> = {};
  // sums[i]: param i's gradient summed over the shards so far (the first shard's tensor itself)
  const sums: (tf.Tensor | undefined)[] = params.map(() => undefined);
  const features = gathered && Object.fromEntries(Object.entries(gathered).map(([k, f]) => [k, tensorFromFloats(f.data, f.shape)]));
  try {
    for (const shard of shards) {
      let kept: Record<string, tf.Scalar> = {};
      const { value, grads } = tf.variableGrads(() => {
        const o = task.loss(step, shard, numShards, shardRng(rngState, shard, mode), mode, features);
        kept = Object.fromEntries(Object.entries(o.terms).map(([k, t]) => [k, tf.keep(t)]));
        return o.total;
      }, vars);
      const adopted = new Set<tf.Tensor>();
      try {
        total += value.dataSync()[0];
        for (const [k, t] of Object.entries(kept)) terms[k] = (terms[k] ?? 0) + t.dataSync()[0];
        vars.forEach((v, i) => {
          const g = grads[v.name];
          const sum = sums[i];
          if (!g) return;
          if (!sum) {
            sums[i] = g;
            adopted.add(g);
            return;
          }
          sums[i] = tf.add(sum, g);
          sum.dispose();
        });
      } finally {
        tf.dispose([value, ...Object.values(kept), ...Object.values(grads).filter((g) => !adopted.has(g))]);
      }
    }
    sums.forEach((sum, i) => {
      const at = layout.offsets[i];
      if (sum) out.set(floatsOf(sum), at);
      else out.fill(0, at, at + vars[i].size);
    });
  } finally {
    tf.dispose(sums.filter((t): t is tf.Tensor => t !== undefined));
    if (features) tf.dispose(Object.values(features));
  }
  return { total, terms };
}

/** Copy trainable weights from the flat buffer into the store (layout order); each gets a new tensor. */
export function loadWeights(store: ParamStore, layout: ParamLayout, flat: Float32Array): void {
  store.trainable().forEach((p, i) => {
    const at = layout.offsets[i];
    // a new tensor, never the old buffer rewritten: the wasm backend caches packed weights per tensor
    tf.tidy(() => p.variable.assign(tensorFromFloats(flat.subarray(at, at + p.variable.size), layout.shapes[i])));
  });
}

/** Copy trainable weights from the store into the flat buffer (layout order). */
export function saveWeights(store: ParamStore, layout: ParamLayout, flat: Float32Array): void {
  store.trainable().forEach((p, i) => flat.set(floatsOf(p.variable), layout.offsets[i]));
}

/**
 * A ShardTask over a model and objective mix whose step-s global batch comes from `batchFor(s)`:
 * the batch is built once per step and kept past the caller's tidy so every shard of the step
 * reuses it; shard k of `numShards` is its k-th slice of rows.
 */
export function shardTaskOver<B extends TrainBatch>(
  model: VisionLanguageModel,
  mix: ObjectiveMix,
  batchFor: (step: number) => B,
  disposeBatch: (batch: B) => void,
): ShardTask {
  let cached: { step: number; batch: B } | null = null;
  const batchOf = (step: number): B => {
    if (cached === null || cached.step !== step) {
      if (cached) disposeBatch(cached.batch);
      const batch = batchFor(step);
      for (const t of [batch.images, batch.tokens, batch.attention]) tf.keep(t);
      cached = { step, batch };
    }
    return cached.batch;
  };
  // shard k's rows of step s, and (in 'global' mode) the whole batch they belong to
  const inputsOf = (step: number, shard: number, numShards: number, rng: Rng, mode: ShardMode, gathered?: Record<string, tf.Tensor>): StepInputs => {
    const global = batchOf(step);
    const batch = sliceBatch(global, shard, numShards);
    const view = mode === 'global' ? { shard: { global, start: shard * batch.images.shape[0], gathered } } : {};
    return { model, batch, rng, step, ctx: { training: true, rng }, ...view };
  };
  return {
    store: model.store,
    gathers: mix.gathersFeatures,
    features: (step, shard, numShards, rng) => tf.tidy(() => mix.collect(inputsOf(step, shard, numShards, rng, 'global'))),
    loss: (step, shard, numShards, rng, mode, gathered) => mix.loss(inputsOf(step, shard, numShards, rng, mode, gathered)),
    dispose: () => {
      if (cached) disposeBatch(cached.batch);
      model.dispose();
    },
  };
}
