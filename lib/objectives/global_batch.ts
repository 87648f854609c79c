/**
 * One step's batch cut into row shards (data-parallel workers) without changing the objective.
 * A shard's objective sees `inputs.batch` = its own rows and `inputs.shard` = the whole batch, and:
 *  - draws every random thing (masks, swaps, negatives) for the whole batch from the step's rng and
 *    keeps its own rows, so the draws do not depend on the shard count;
 *  - divides summed losses by the whole batch's count of scored entries, spread evenly over the
 *    shards (`shardDenominator`), so the mean of the shard losses is the whole batch's loss;
 *  - reads the features a batch-coupled term compares (embeddings) for every row through
 *    `gatherRows`: a first pass without gradient collects each shard's features, the second pass
 *    sees all rows, its own live and the others constant, with its own rows' gradient scaled by the
 *    shard count so the mean of shard gradients is the whole batch's gradient (GradCache's surrogate).
 * Without `inputs.shard` every helper is the identity: one process computes what it always did.
 */
import * as tf from '@tensorflow/tfjs';
import type { StepInputs, TrainBatch } from './types';

export type { BatchShard } from './types';

/** Thrown by `gatherRows` in the first pass: the objective has handed over its features. */
export class FeaturesCollected extends Error {
  constructor() {
    super('features collected (first data-parallel pass)');
  }
}

/** The step's whole batch (the batch itself outside data parallelism). */
export function globalBatch(inputs: StepInputs): TrainBatch {
  return inputs.shard?.global ?? inputs.batch;
}

/** Rows of the whole batch. */
export function globalSize(inputs: StepInputs): number {
  return globalBatch(inputs).images.shape[0];
}

/** [first, count) rows of the whole batch that are this shard's. */
export function ownRange(inputs: StepInputs): { start: number; size: number } {
  return { start: inputs.shard?.start ?? 0, size: inputs.batch.images.shape[0] };
}

/** This shard's rows of a tensor drawn for the whole batch [B, ...] -> [b, ...] (the tensor itself outside sharding). */
export function ownRows<T extends tf.Tensor>(inputs: StepInputs, whole: T): T {
  if (!inputs.shard) return whole;
  const { start, size } = ownRange(inputs);
  return tf.slice(whole, [start, ...whole.shape.slice(1).map(() => 0)], [size, ...whole.shape.slice(1).map(() => -1)]) as T;
}

/** This shard's entries of a per-row host array drawn for the whole batch. */
export function ownHostRows<T>(inputs: StepInputs, whole: T[]): T[] {
  if (!inputs.shard) return whole;
  const { start, size } = ownRange(inputs);
  return whole.slice(start, start + size);
}

/**
 * What a shard divides its summed loss by: the whole batch's count of scored entries times the
 * shard's share of rows (undefined outside sharding: the loss counts its own entries).
 */
export function shardDenominator(inputs: StepInputs, wholeCount: number): number | undefined {
  if (!inputs.shard) return undefined;
  return (wholeCount * ownRange(inputs).size) / globalSize(inputs);
}

/** Identity forward, gradient times `factor`. */
function scaleGradient(x: tf.Tensor, factor: number): tf.Tensor {
  const f = tf.customGrad((...args) => ({
    value: tf.clone(args[0] as tf.Tensor),
    gradFunc: (dy: tf.Tensor) => tf.mul(dy, factor),
  }));
  return f(x);
}

/**
 * The batch-coupled features of every row: local [b, ...] tensors by key -> [B, ...]. Outside
 * sharding the features themselves. First pass: records them and throws `FeaturesCollected`.
 * Second pass: the gathered rows with this shard's replaced by its live features.
 */
export function gatherRows<K extends string>(inputs: StepInputs, local: Record<K, tf.Tensor>): Record<K, tf.Tensor> {
  const { shard } = inputs;
  if (!shard) return local;
  if (shard.collect) {
    for (const [key, t] of Object.entries(local) as [K, tf.Tensor][]) shard.collect[key] = tf.keep(t.clone());
    throw new FeaturesCollected();
  }
  const { start, size } = ownRange(inputs);
  const B = globalSize(inputs);
  // one shard of the whole batch: its own features are every row's, no first pass needed
  if (!shard.gathered && size === B) return local;
  if (!shard.gathered) throw new Error('gatherRows: a sharded batch has neither gathered features nor a collect pass');
  const out = {} as Record<K, tf.Tensor>;
  for (const [key, mine] of Object.entries(local) as [K, tf.Tensor][]) {
    const all = shard.gathered[key];
    if (!all) throw new Error(`gatherRows: no gathered features '${key}' (have: ${Object.keys(shard.gathered).join(', ') || 'none'})`);
    if (all.shape[0] !== B || all.shape.slice(1).join() !== mine.shape.slice(1).join() || mine.shape[0] !== size) {
      throw new Error(`gatherRows: '${key}' gathered [${all.shape}] does not hold this shard's [${mine.shape}] at rows ${start}..${start + size} of ${B}`);
    }
    const rest = all.shape.slice(1);
    const parts: tf.Tensor[] = [];
    if (start > 0) parts.push(tf.slice(all, [0, ...rest.map(() => 0)], [start, ...rest]));
    parts.push(scaleGradient(mine, B / size));
    if (start + size < B) parts.push(tf.slice(all, [start + size, ...rest.map(() => 0)], [B - start - size, ...rest]));
    out[key] = parts.length === 1 ? parts[0] : tf.concat(parts, 0);
  }
  return out;
}

/** `shardDenominator` of a count given per row of the whole batch [B], over the rows `keep` [B] marks (default all). */
export function rowsDenominator(inputs: StepInputs, rowCounts: number[], keep?: number[]): number | undefined {
  return shardDenominator(inputs, rowCounts.reduce((a, c, r) => a + (keep ? c * keep[r] : c), 0));
}

/** Next-token targets per row of a batch [B]: tokens 1..T−1 that are not padding (what captionLoss scores). */
function captionTargetCounts(batch: TrainBatch, padId: number): number[] {
  const rows = batch.tokenRows ?? (batch.tokens.arraySync() as number[][]);
  return rows.map((row) => row.slice(1).reduce((a, id) => a + (id === padId ? 0 : 1), 0));
}

/** `shardDenominator` of captionLoss: the whole batch's next-token targets (undefined outside sharding). */
export function captionDenominator(inputs: StepInputs, padId: number): number | undefined {
  if (!inputs.shard) return undefined;
  return rowsDenominator(inputs, captionTargetCounts(globalBatch(inputs), padId));
}

/**
 * Hidden states [R, L, D] of whole-batch rows `rows` [R]: this shard's from `own` [b, L, D], the
 * others' recomputed by `encode` (same tower, same weights: the gradient reaches the same params).
 */
export function statesOfRows(inputs: StepInputs, rows: number[], own: tf.Tensor3D, encode: (rows: tf.Tensor1D) => tf.Tensor3D): tf.Tensor3D {
  const { start, size } = ownRange(inputs);
  const outside = [...new Set(rows.filter((r) => r < start || r >= start + size))];
  const source = outside.length > 0 ? tf.concat([own, encode(tf.tensor1d(outside, 'int32'))], 0) : own;
  const at = rows.map((r) => (r >= start && r < start + size ? r - start : size + outside.indexOf(r)));
  return tf.gather(source, tf.tensor1d(at, 'int32')) as tf.Tensor3D;
}

/**
 * For an objective that compares rows on some steps only (a staged one): on a step that compares
 * none, its data-parallel first pass still has to hand something over; a [b, 1] placeholder.
 */
export function gatherNothing(inputs: StepInputs): void {
  if (inputs.shard?.collect) gatherRows(inputs, { idle: tf.zeros([inputs.batch.images.shape[0], 1]) });
}
