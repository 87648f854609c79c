/**
 * FLIP's patch dropout: each sample keeps a random subset of its patch tokens (positions are
 * already embedded, so order does not matter to the encoder); the CLS token is always kept, first.
 */
import * as tf from '@tensorflow/tfjs';
import { gatherTokens } from '../core/select';
import { Seed, checkRatio, flatten, keepCount, shuffleOrders, toRng } from './seed';

export interface PatchDropoutOptions {
  /** [B, N, D] patch tokens, or [B, 1+N, D] with the CLS token first when `hasCls`. */
  tokens: tf.Tensor3D;
  /** Fraction of patch tokens dropped; K = max(1, floor(N * (1 - ratio))) are kept. */
  ratio: number;
  hasCls?: boolean;
  seed: Seed;
}

export interface PatchDropoutResult {
  /** [B, K, D], or [B, 1+K, D] with CLS first. */
  tokens: tf.Tensor3D;
  /** int32 [B, K]: kept patch indices in 0..N-1 (CLS not counted), in random order. */
  keepIndices: tf.Tensor2D;
}

/**
 * Differentiable w.r.t. `tokens` on every backend: core's `gatherTokens` (one `tf.gather` on the
 * flattened rows with per-sample offsets; gather with `batchDims` has no usable gradient on wasm).
 */
export function patchDropout({ tokens, ratio, hasCls = false, seed }: PatchDropoutOptions): PatchDropoutResult {
  const who = 'patchDropout';
  if (tokens.rank !== 3) throw new Error(`${who}: tokens must be [B, N, D], got [${tokens.shape}]`);
  checkRatio(ratio, who);
  const [B, L] = tokens.shape;
  const cls = hasCls ? 1 : 0;
  const N = L - cls;
  if (N < 1) throw new Error(`${who}: tokens [${tokens.shape}] hold no patch tokens${hasCls ? ' after CLS' : ''}`);
  const K = Math.max(1, keepCount(N, ratio));
  const keep = shuffleOrders(B, N, toRng(seed, who)).map((order) => order.slice(0, K));
  // Positions among each sample's L tokens: CLS (0) first, then the kept patches past it.
  const positions = hasCls ? keep.map((patches) => [0, ...patches.map((p) => p + 1)]) : keep;
  const kept = tf.tidy(() => gatherTokens(tokens, tf.tensor2d(flatten(positions, cls + K, Int32Array), [B, cls + K], 'int32')));
  return { tokens: kept, keepIndices: tf.tensor2d(flatten(keep, K, Int32Array), [B, K], 'int32') };
}
