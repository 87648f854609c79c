/**
 * A dense layer y = x·W + b over the last axis of x [..., I] as one kernel, with its gradient
 * registered (dx, dW each one kernel, db a row sum): no reshapes around the product and no separate
 * bias-add pass over y for small weights, which run on mvlm's NN kernel with the bias added as each
 * tile is stored. Larger weights take XNNPACK's product and a broadcast add (XNNPACK's own bias
 * epilogue, _FusedMatMul, made the small config's step 6-8 % slower in A/B: it packs weight and bias
 * anew for every new pair of tensors). The products go through the registered BatchMatMul kernel,
 * so they take the same routes (and A/B switches) as every other product. In-step A/B
 * (`bench/ab.ts … kernel.linear`): tiny 1.02-1.03x, small 1.07-1.12x faster.
 */
import * as tf from '@tensorflow/tfjs';
import { simdBatchMatMul } from './batch_matmul';
import { registerHeapKernel, wasmKernel } from './kernels';

import { LINEAR_DW_KERNEL, LINEAR_DX_KERNEL, LINEAR_KERNEL } from './kernel_names';

export { LINEAR_DW_KERNEL, LINEAR_DX_KERNEL, LINEAR_KERNEL };

type TensorInfo = tf.TensorInfo;

/** The same data under another shape (a kernel-internal view: never disposed, never returned). */
const view = (t: TensorInfo, shape: number[]): TensorInfo => ({ dataId: t.dataId, shape, dtype: t.dtype });

/** x [..., d] as [rows, d]. */
function rowsOf(x: TensorInfo): [number, number] {
  const d = x.shape[x.shape.length - 1];
  return [tf.util.sizeFromShape(x.shape.slice(0, -1)), d];
}

/** Run the kernel registered as `name` on wasm (looked up per call: A/B switches swap it). */
function registered(name: string, inputs: Record<string, TensorInfo>, attrs: Record<string, unknown>, backend: unknown): TensorInfo {
  return wasmKernel(name)({ inputs, attrs: attrs as tf.NamedAttrMap, backend: backend as tf.KernelBackend }) as TensorInfo;
}

/** Check W is [I, O] for x [..., I] (and b is [O]). */
function checkShapes(kernel: string, x: TensorInfo, w: TensorInfo, b?: TensorInfo): void {
  const I = x.shape[x.shape.length - 1];
  if (w.shape.length !== 2 || w.shape[0] !== I) throw new Error(`${kernel}: W is [${w.shape}], want [${I}, O] for x [${x.shape}]`);
  if (b && (b.shape.length !== 1 || b.shape[0] !== w.shape[1])) throw new Error(`${kernel}: b is [${b.shape}], want [${w.shape[1]}]`);
}

export function registerLinearKernels(): void {
  // (x [..., I], w [I, O], b [O]) -> y [..., O]
  registerHeapKernel(LINEAR_KERNEL, ({ heap }, { x, w, b }) => {
    if (!b) throw new Error(`${LINEAR_KERNEL}: needs a bias b [O] (a layer without one takes tf.matMul)`);
    checkShapes(LINEAR_KERNEL, x, w, b);
    const [M, I] = rowsOf(x);
    const O = w.shape[1];
    const noTranspose = () => {
      throw new Error(`${LINEAR_KERNEL}: no operand is transposed`);
    };
    let y = simdBatchMatMul(view(x, [M, I]), w, false, false, heap, noTranspose, b);
    if (!y) {
      const product = registered('BatchMatMul', { a: view(x, [M, I]), b: w }, { transposeA: false, transposeB: false }, heap);
      y = registered('Add', { a: product, b }, {}, heap);
      heap.disposeData(product.dataId);
    }
    return { dataId: y.dataId, shape: [...x.shape.slice(0, -1), O], dtype: 'float32' };
  });
  // (dy [..., O], w [I, O]) -> dx = dy·Wᵀ [..., I]
  registerHeapKernel(LINEAR_DX_KERNEL, ({ heap }, { dy, w }) => {
    const [M, O] = rowsOf(dy);
    if (w.shape.length !== 2 || w.shape[1] !== O) throw new Error(`${LINEAR_DX_KERNEL}: W is [${w.shape}], want [I, ${O}] for dy [${dy.shape}]`);
    const dx = registered('BatchMatMul', { a: view(dy, [M, O]), b: w }, { transposeA: false, transposeB: true }, heap);
    return { dataId: dx.dataId, shape: [...dy.shape.slice(0, -1), w.shape[0]], dtype: 'float32' };
  });
  // (x [..., I], dy [..., O]) -> dW = xᵀ·dy [I, O]
  registerHeapKernel(LINEAR_DW_KERNEL, ({ heap }, { x, dy }) => {
    const [M, I] = rowsOf(x);
    const [Mdy, O] = rowsOf(dy);
    if (Mdy !== M) throw new Error(`${LINEAR_DW_KERNEL}: x [${x.shape}] and dy [${dy.shape}] differ in rows`);
    return registered('BatchMatMul', { a: view(x, [M, I]), b: view(dy, [M, O]) }, { transposeA: true, transposeB: false }, heap);
  });
  // first-order only: MvlmLinearDx/Dw have no gradients of their own (nothing in mvlm differentiates twice)
  if (tf.getGradient(LINEAR_KERNEL) == null) {
    tf.registerGradient({
      kernelName: LINEAR_KERNEL,
      inputsToSave: ['x', 'w'],
      gradFunc: (dy, saved) => {
        const [x, w] = saved;
        const g = dy as tf.Tensor;
        const run = (name: string, inputs: tf.NamedTensorMap) => tf.engine().runKernel(name, inputs) as tf.Tensor;
        return {
          x: () => run(LINEAR_DX_KERNEL, { dy: g, w }),
          w: () => run(LINEAR_DW_KERNEL, { x, dy: g }),
          b: () => tf.sum(g, [...Array(g.rank - 1).keys()]),
        };
      },
    });
  }
}
