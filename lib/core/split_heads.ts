/**
 * Attention heads out of a fused projection x [B, T, P·D]: part p as queries/values
 * [B, H, T, dh] or keys [B, H, dh, T] (q·kᵀ then needs no transpose flag), each times its scale.
 * On wasm one mvlm kernel each way (lib/backend/wasm/heads_kernel.ts); elsewhere split, reshape, transpose.
 */
import * as tf from '@tensorflow/tfjs';
import { SPLIT_HEADS_KERNEL } from '../backend/wasm/kernel_names';
import { MVLM_KERNELS, hasKernel } from '../backend/switches';

export interface HeadPart {
  /** Keys: [B, H, dh, T]; otherwise [B, H, T, dh]. */
  keys: boolean;
  scale: number;
}

export function splitHeads(x: tf.Tensor3D, heads: number, parts: HeadPart[]): tf.Tensor4D[] {
  const [B, T, width] = x.shape;
  const P = parts.length;
  if (width % (P * heads) !== 0) throw new Error(`splitHeads: x [${x.shape}] does not split into ${P} parts of ${heads} heads`);
  const keys = parts.map((p) => p.keys);
  const scales = parts.map((p) => p.scale);
  if (x.dtype === 'float32' && hasKernel(SPLIT_HEADS_KERNEL, MVLM_KERNELS.splitHeads)) {
    return tf.engine().runKernel(SPLIT_HEADS_KERNEL, { x }, { heads, keys, scales } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor4D[];
  }
  const dh = width / (P * heads);
  const pieces = P === 1 ? [x] : tf.split(x, P, 2);
  return pieces.map((piece, i) => {
    const h = piece.reshape([B, T, heads, dh]).transpose(keys[i] ? [0, 2, 3, 1] : [0, 2, 1, 3]) as tf.Tensor4D;
    return scales[i] === 1 ? h : h.mul(scales[i]);
  });
}
