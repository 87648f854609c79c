/**
 * MAE's random patch masking (`random_masking` in facebookresearch/mae, models_mae.py): each
 * sample gets its own uniform shuffle of the N patches, the first K of the shuffle are kept.
 */
import * as tf from '@tensorflow/tfjs';
import { Seed, checkPositiveInt, checkRatio, flatten, inversePermutation, keepCount, shuffleOrders, toRng } from './seed';

/** Plain-array result: row b of every field belongs to sample b. */
export interface RandomPatchMaskArrays {
  /** [B][N] 1 = masked, 0 = kept. */
  mask: number[][];
  /** [B][K] kept patch indices in shuffle order (`ids_shuffle[:, :K]`, not sorted). */
  keepIndices: number[][];
  /** [B][N] `ids_restore = argsort(ids_shuffle)`: rank of each patch in the shuffle. */
  restoreIndices: number[][];
}

/** Tensor result (caller disposes). */
export interface RandomPatchMaskResult {
  /** float32 [B, N], 1 = masked. */
  mask: tf.Tensor2D;
  /** int32 [B, K], kept patch indices in shuffle order. */
  keepIndices: tf.Tensor2D;
  /** int32 [B, N], inverse of the shuffle: `concat(kept, maskTokens)[restore]` is back in patch order. */
  restoreIndices: tf.Tensor2D;
}

/**
 * Pure-JS MAE masking. K = floor(N * (1 - ratio)) exactly as MAE's `int(L * (1 - mask_ratio))`,
 * so every row has exactly N - K masked patches. `mask[b][i] = 1` iff `restore[b][i] >= K`.
 */
export function randomPatchMaskArrays(batch: number, numPatches: number, ratio: number, seed: Seed): RandomPatchMaskArrays {
  const who = 'randomPatchMask';
  checkPositiveInt(batch, 'B', who);
  checkPositiveInt(numPatches, 'N', who);
  checkRatio(ratio, who);
  const rng = toRng(seed, who);
  const keep = keepCount(numPatches, ratio);
  const orders = shuffleOrders(batch, numPatches, rng);
  const restoreIndices = orders.map(inversePermutation);
  return {
    mask: restoreIndices.map((restore) => restore.map((rank) => (rank >= keep ? 1 : 0))),
    keepIndices: orders.map((order) => order.slice(0, keep)),
    restoreIndices,
  };
}

/** Tensor form of `randomPatchMaskArrays` (same draws for the same seed). */
export function randomPatchMask(batch: number, numPatches: number, ratio: number, seed: Seed): RandomPatchMaskResult {
  const a = randomPatchMaskArrays(batch, numPatches, ratio, seed);
  const keep = a.keepIndices[0].length;
  return {
    mask: tf.tensor2d(flatten(a.mask, numPatches, Float32Array), [batch, numPatches], 'float32'),
    keepIndices: tf.tensor2d(flatten(a.keepIndices, keep, Int32Array), [batch, keep], 'int32'),
    restoreIndices: tf.tensor2d(flatten(a.restoreIndices, numPatches, Int32Array), [batch, numPatches], 'int32'),
  };
}
