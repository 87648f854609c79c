/**
 * MaskGIT's cosine mask schedule (Chang et al. 2022, `maskgit/libml/mask_schedule.py`): the fraction
 * of tokens still masked at progress r ∈ [0, 1] is γ(r) = cos(π/2 · r). Training draws r ~ U(0, 1)
 * per sample and masks ceil(γ(r) · N) random tokens (at least 1); decoding step t of T keeps
 * floor(γ((t+1)/T) · N) tokens masked.
 */
import * as tf from '@tensorflow/tfjs';
import { Seed, checkPositiveInt, flatten, toRng } from './seed';

/** γ(r) = cos(π/2 · r): 1 at r = 0 (all masked), 0 at r = 1. */
export function cosineMaskRatio(r: number): number {
  if (!(r >= 0 && r <= 1)) throw new Error(`cosineMaskRatio: r must be in [0, 1], got ${r}`);
  return Math.cos((Math.PI / 2) * r);
}

/** Tokens masked for training at progress r: ceil(γ(r) · N), clamped to [1, N] (MaskGIT's training count). */
export function trainingMaskCount(r: number, numTokens: number): number {
  checkPositiveInt(numTokens, 'N', 'trainingMaskCount');
  return Math.min(numTokens, Math.max(1, Math.ceil(cosineMaskRatio(r) * numTokens)));
}

/** Plain-array result; row b belongs to sample b. */
export interface CosineMaskArrays {
  /** [B][N] 1 = masked. */
  mask: number[][];
  /** [B] the r drawn for each sample. */
  r: number[];
  /** [B] tokens masked in each row. */
  counts: number[];
}

/** Per sample: r ~ U(0, 1), then `trainingMaskCount(r, N)` tokens chosen uniformly at random. */
export function cosineScheduleMaskArrays(batch: number, numTokens: number, seed: Seed): CosineMaskArrays {
  const who = 'cosineScheduleMask';
  checkPositiveInt(batch, 'B', who);
  checkPositiveInt(numTokens, 'N', who);
  const rng = toRng(seed, who);
  const out: CosineMaskArrays = { mask: [], r: [], counts: [] };
  for (let b = 0; b < batch; b++) {
    const r = rng.next();
    const count = trainingMaskCount(r, numTokens);
    const row = new Array<number>(numTokens).fill(0);
    for (const i of rng.permutation(numTokens).slice(0, count)) row[i] = 1;
    out.mask.push(row);
    out.r.push(r);
    out.counts.push(count);
  }
  return out;
}

/** Tensor form of `cosineScheduleMaskArrays`: float32 [B, N] (1 = masked) and the counts (same draws for the same seed). */
export function cosineScheduleMask(batch: number, numTokens: number, seed: Seed): { mask: tf.Tensor2D; counts: number[] } {
  const a = cosineScheduleMaskArrays(batch, numTokens, seed);
  return { mask: tf.tensor2d(flatten(a.mask, numTokens, Float32Array), [batch, numTokens], 'float32'), counts: a.counts };
}

/**
 * Tokens left masked after decoding step t (0-based) of T, given `unknown` tokens masked before it:
 * floor(γ((t+1)/T) · N), at least 1 and at most unknown − 1 so each step fixes one token, and 0 at
 * the last step (MaskGIT's `decode` clamps the same way).
 */
export function decodeMaskCount(step: number, steps: number, numTokens: number, unknown: number): number {
  checkPositiveInt(steps, 'steps', 'decodeMaskCount');
  if (!Number.isInteger(step) || step < 0 || step >= steps) throw new Error(`decodeMaskCount: step must be an integer in [0, ${steps - 1}], got ${step}`);
  if (step === steps - 1 || unknown <= 1) return 0;
  const target = Math.floor(cosineMaskRatio((step + 1) / steps) * numTokens);
  return Math.max(1, Math.min(unknown - 1, target));
}
