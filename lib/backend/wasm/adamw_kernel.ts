/**
 * `MvlmAdamW`: one AdamW update of one parameter as a single wasm kernel (kernels/adamw.ts),
 * instead of ~12 elementwise kernels whose scalar-broadcast paths are slow on wasm.
 * Inputs p, g, m, v (float32, one shape); outputs [p', m', v'].
 */
import * as tf from '@tensorflow/tfjs';
import { registerHeapKernel, sameShape } from './kernels';

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
  registerHeapKernel(ADAMW_KERNEL, ({ kernels, ptr, output }, { p, g, m, v }, attrs) => {
    for (const [name, t] of Object.entries({ g, m, v })) sameShape(ADAMW_KERNEL, p, t, `the param and ${name}`);
    const { b1, b2, bc1, bc2, eps, lr, keep } = attrs as unknown as AdamWKernelAttrs;
    const outs = [p, m, v].map((t) => output([...t.shape]));
    const [pOut, mOut, vOut] = outs.map(ptr);
    kernels.adamw(ptr(p), ptr(g), ptr(m), ptr(v), pOut, mOut, vOut, tf.util.sizeFromShape(p.shape), b1, 1 - b1, b2, 1 - b2, bc1, bc2, eps, lr, keep);
    return outs;
  });
}
