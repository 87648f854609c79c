/**
 * Sum over leading axes (bias and LayerNorm-parameter gradients: [B·T, D] -> [D]) as one pass of
 * mvlm's sumRows kernel down the rows, instead of a transpose and an inner-axis sum.
 */
import * as tf from '@tensorflow/tfjs';
import { MVLM_KERNELS } from '../switches';
import { heapOffset, mvlmKernels, type WasmBackendHeap } from './kernels';

/** x summed over `axes` when they are exactly the leading axes 0..m-1 (m < rank) of a float32 x; else null. */
export function sumLeadingAxes(x: tf.TensorInfo, axes: number[], keepDims: boolean, backend: WasmBackendHeap): tf.TensorInfo | null {
  const rank = x.shape.length;
  const sorted = [...axes].sort((a, b) => a - b);
  const leading = sorted.length < rank && sorted.every((a, i) => a === i);
  if (!MVLM_KERNELS.sumRows || x.dtype !== 'float32' || !leading) return null;
  const m = sorted.length;
  const rows = tf.util.sizeFromShape(x.shape.slice(0, m));
  const rest = x.shape.slice(m);
  const out = backend.makeOutput(keepDims ? [...x.shape.slice(0, m).map(() => 1), ...rest] : rest, 'float32');
  mvlmKernels(backend).sumRows(heapOffset(backend, x), heapOffset(backend, out), rows, tf.util.sizeFromShape(rest));
  return out;
}
