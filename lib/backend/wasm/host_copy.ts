/**
 * Float32 tensors to and from host arrays with one copy: on the wasm backend a tensor's values are
 * read as a view of the heap and a new tensor is allocated on the heap and filled in place; other
 * backends take the usual dataSync / tf.tensor path.
 */
import * as tf from '@tensorflow/tfjs';
import type { WasmBackendHeap } from './kernels';

function wasmHeap(): WasmBackendHeap | null {
  const backend = tf.backend() as unknown as Partial<WasmBackendHeap>;
  return typeof backend.typedArrayFromHeap === 'function' && typeof backend.makeOutput === 'function' ? (backend as WasmBackendHeap) : null;
}

/** The values of a float32 tensor: a view of the wasm heap (valid until the next allocation) or a dataSync copy. */
export function floatsOf(t: tf.Tensor): Float32Array {
  if (t.dtype !== 'float32') throw new Error(`floatsOf: tensor [${t.shape}] is ${t.dtype}, want float32`);
  const heap = wasmHeap();
  return (heap ? heap.typedArrayFromHeap(t) : t.dataSync()) as Float32Array;
}

/** A new float32 tensor of `shape` holding a copy of `values` (which may be a view of shared memory). */
export function tensorFromFloats(values: Float32Array, shape: number[]): tf.Tensor {
  const size = tf.util.sizeFromShape(shape);
  if (values.length !== size) throw new Error(`tensorFromFloats: ${values.length} values for shape [${shape}] (${size})`);
  const heap = wasmHeap();
  if (!heap) return tf.tensor(values.slice(), shape, 'float32');
  const info = heap.makeOutput(shape, 'float32');
  heap.typedArrayFromHeap(info).set(values); // the view is taken after the allocation that may grow the heap
  return tf.engine().makeTensorFromTensorInfo(info);
}
