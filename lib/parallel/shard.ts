/**
 * What a data-parallel worker runs: a `ShardTask` (its own model replica and data) built in the
 * worker by a factory named by module path + export, so nothing but plain data crosses threads.
 * Step s's global batch is cut into `numShards` equal shards; shard k draws its randomness from
 * fork(`shard k`) of the step's rng state, so the result depends on the shard count only, never
 * on how many workers share the shards (1 worker with 2 shards = 2 workers with 1 shard each).
 */
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from '../core/params';
import type { VisionLanguageModel } from '../models';
import type { ObjectiveMix, TrainBatch } from '../objectives';
import { Rng } from '../random';
import type { LossOutput } from '../train/accumulate';
import { floatsOf, tensorFromFloats } from '../backend/wasm/host_copy';

export interface ShardTask {
  /** The replica's parameters; the coordinator overwrites trainable ones before every step. */
  store: ParamStore;
  /** Loss of shard `shard` (of `numShards`) of step `step`; runs inside tf.variableGrads. */
  loss(step: number, shard: number, numShards: number, rng: Rng): LossOutput;
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

/** The rng of shard k of a step whose loss rng state is `state`. */
export function shardRng(state: number, shard: number): Rng {
  const rng = new Rng(0);
  rng.setState(state);
  return rng.fork(`shard ${shard}`);
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
export function shardGradients(task: ShardTask, layout: ParamLayout, step: number, shards: number[], numShards: number, rngState: number, out: Float32Array): { total: number; terms: Record<string, number> } {
  const params = task.store.trainable();
  const vars = params.map((p) => p.variable);
  let total = 0;
  const terms: Record<string, number> = {};
  // sums[i]: param i's gradient summed over the shards so far (the first shard's tensor itself)
  const sums: (tf.Tensor | undefined)[] = params.map(() => undefined);
  try {
    for (const shard of shards) {
      let kept: Record<string, tf.Scalar> = {};
      const { value, grads } = tf.variableGrads(() => {
        const o = task.loss(step, shard, numShards, shardRng(rngState, shard));
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
  return {
    store: model.store,
    loss: (step, shard, numShards, rng) => {
      const batch = sliceBatch(batchOf(step), shard, numShards);
      return mix.loss({ model, batch, rng, ctx: { training: true, rng } });
    },
    dispose: () => {
      if (cached) disposeBatch(cached.batch);
      model.dispose();
    },
  };
}
