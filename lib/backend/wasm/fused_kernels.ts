/**
 * GELU and LayerNorm as single wasm kernels, forward and backward (kernels/gelu.ts,
 * kernels/layer_norm.ts): one pass over the data instead of 10-30 elementwise kernels each.
 * lib/core/fused.ts picks them when the active backend has them.
 */
import * as tf from '@tensorflow/tfjs';
import { registerHeapKernel, sameShape } from './kernels';

import { GELU_GRAD_KERNEL, GELU_KERNEL, LAYER_NORM_GRAD_KERNEL, LAYER_NORM_KERNEL } from './kernel_names';

export { GELU_GRAD_KERNEL, GELU_KERNEL, LAYER_NORM_GRAD_KERNEL, LAYER_NORM_KERNEL };

/** LayerNorm's row count and width, checking γ (and β) are [D]. */
function rowsOf(kernel: string, x: tf.TensorInfo, gamma: tf.TensorInfo, beta?: tf.TensorInfo): [number, number] {
  const d = x.shape[x.shape.length - 1];
  for (const p of beta ? [gamma, beta] : [gamma]) {
    if (p.shape.length !== 1 || p.shape[0] !== d) throw new Error(`${kernel}: gamma/beta must be [${d}] for x [${x.shape}], got [${p.shape}]`);
  }
  return [tf.util.sizeFromShape(x.shape) / d, d];
}

export function registerFusedKernels(): void {
  // x -> GELU(x)
  registerHeapKernel(GELU_KERNEL, ({ kernels, ptr, output }, { x }) => {
    const y = output([...x.shape]);
    kernels.gelu(ptr(x), ptr(y), tf.util.sizeFromShape(x.shape));
    return y;
  });
  // (x, dy) -> dy·GELU'(x)
  registerHeapKernel(GELU_GRAD_KERNEL, ({ kernels, ptr, output }, { x, dy }) => {
    sameShape(GELU_GRAD_KERNEL, x, dy, 'x and dy');
    const dx = output([...x.shape]);
    kernels.geluGrad(ptr(x), ptr(dy), ptr(dx), tf.util.sizeFromShape(x.shape));
    return dx;
  });
  // (x [..., D], gamma [D], beta [D]) -> [y, stats [rows, 2]]
  registerHeapKernel(LAYER_NORM_KERNEL, ({ kernels, ptr, output }, { x, gamma, beta }, attrs) => {
    const [rows, d] = rowsOf(LAYER_NORM_KERNEL, x, gamma, beta);
    const y = output([...x.shape]);
    const stats = output([rows, 2]);
    kernels.layerNorm(ptr(x), ptr(gamma), ptr(beta), ptr(y), ptr(stats), rows, d, attrs.eps as number);
    return [y, stats];
  });
  // (x, stats, gamma, dy) -> [dx, dgamma, dbeta]
  registerHeapKernel(LAYER_NORM_GRAD_KERNEL, ({ kernels, ptr, output }, { x, stats, gamma, dy }) => {
    sameShape(LAYER_NORM_GRAD_KERNEL, x, dy, 'x and dy');
    const [rows, d] = rowsOf(LAYER_NORM_GRAD_KERNEL, x, gamma);
    const outs = [output([...x.shape]), output([d]), output([d])];
    const [dx, dgamma, dbeta] = outs.map(ptr);
    kernels.layerNormGrad(ptr(x), ptr(stats), ptr(gamma), ptr(dy), dx, dgamma, dbeta, rows, d);
    return outs;
  });
}
