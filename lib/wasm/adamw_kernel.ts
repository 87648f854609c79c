/**
 * `MvlmAdamW`: one AdamW update of one parameter as a single wasm kernel (kernels/adamw.ts),
 * instead of ~12 elementwise kernels whose scalar-broadcast paths are slow on wasm.
 * Inputs p, g, m, v (float32, one shape); outputs [p', m', v'].
 */
import * as tf from '@tensorflow/tfjs';
import { heapOffset, mvlmKernels, type WasmBackendHeap } from './kernels';

export const ADAMW_KERNEL = 'MvlmAdamW';

export interface AdamWKernelAttrs {
  b1: number;
  b2: number;
  bc1: number;
  bc2: number;
  eps: number;
  lr: number;
  /** 1 − lr·wd for decayed params, 1 otherwise. */
  keep: number;
}

export function registerAdamWKernel(): void {
  if (tf.getKernel(ADAMW_KERNEL, 'wasm') != null) return;
  tf.registerKernel({
    kernelName: ADAMW_KERNEL,
    backendName: 'wasm',
    kernelFunc: ({ inputs, backend, attrs }) => {
      const heap = backend as unknown as WasmBackendHeap;
      const { p, g, m, v } = inputs as Record<'p' | 'g' | 'm' | 'v', tf.TensorInfo>;
      for (const [name, t] of Object.entries({ g, m, v })) {
        if (t.dtype !== 'float32' || t.shape.join(',') !== p.shape.join(',')) {
          throw new Error(`${ADAMW_KERNEL}: ${name} is ${t.dtype} [${t.shape}], the param is ${p.dtype} [${p.shape}]`);
        }
      }
      const { b1, b2, bc1, bc2, eps, lr, keep } = attrs as unknown as AdamWKernelAttrs;
      const outs = [p, m, v].map((t) => heap.makeOutput([...t.shape], 'float32'));
      const [pOut, mOut, vOut] = outs.map((t) => heapOffset(heap, t));
      mvlmKernels(heap).adamw(
        heapOffset(heap, p), heapOffset(heap, g), heapOffset(heap, m), heapOffset(heap, v),
        pOut, mOut, vOut, tf.util.sizeFromShape(p.shape),
        b1, 1 - b1, b2, 1 - b2, bc1, bc2, eps, lr, keep,
      );
      return outs;
    },
  });
}
