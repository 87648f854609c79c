/** Seeds, ratios and per-sample shuffles shared by the mask generators. */
import { Rng } from '../random';

/** A numeric seed (a fresh `Rng`) or an `Rng` to draw from (its state advances). */
export type Seed = number | Rng;

export function toRng(seed: Seed, who: string): Rng {
  if (seed instanceof Rng) return seed;
  if (typeof seed !== 'number' || !Number.isFinite(seed)) {
    throw new Error(`${who}: seed must be a finite number or an Rng, got ${String(seed)}`);
  }
  return new Rng(seed);
}

export function checkRatio(ratio: number, who: string): void {
  if (!(ratio >= 0 && ratio <= 1)) throw new Error(`${who}: ratio must be in [0, 1], got ${ratio}`);
}

export function checkPositiveInt(value: number, name: string, who: string): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new Error(`${who}: ${name} must be a positive integer, got ${value}`);
  }
}

/** MAE's `len_keep = int(L * (1 - mask_ratio))`, with the same float64 arithmetic. */
export function keepCount(n: number, ratio: number): number {
  return Math.floor(n * (1 - ratio));
}

/** One uniform permutation of 0..n-1 per sample: MAE's `ids_shuffle = argsort(rand(B, N))`. */
export function shuffleOrders(batch: number, n: number, rng: Rng): number[][] {
  return Array.from({ length: batch }, () => rng.permutation(n));
}

/** `ids_restore = argsort(ids_shuffle)`: the inverse permutation. */
export function inversePermutation(order: number[]): number[] {
  const inverse = new Array<number>(order.length);
  order.forEach((patch, rank) => (inverse[patch] = rank));
  return inverse;
}

/** `number[][]` rows (all of length `cols`) -> `tf.tensor2d` data without per-element boxing. */
export function flatten(rows: number[][], cols: number, Ctor: Float32ArrayConstructor | Int32ArrayConstructor): Float32Array | Int32Array {
  const out = new Ctor(rows.length * cols);
  rows.forEach((row, b) => out.set(row, b * cols));
  return out;
}
