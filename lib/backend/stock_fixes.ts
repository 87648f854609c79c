/**
 * Kernel fixes for the tfjs wasm backend, installed once by `initBackend`.
 *
 * - BatchMatMul / _FusedMatMul with transposeA/B: the wasm kernel walks the transposed operand
 *   with a cache-hostile stride (3-20x slower here). Transposing explicitly and running the plain
 *   kernel is much faster, and because autograd dispatches through the same kernel registry,
 *   every weight gradient (dW = xᵀ·dy) benefits.
 * - UnsortedSegmentSum is missing on wasm, so `tf.gather` has no gradient there (embeddings!).
 *   It is exactly a ScatterNd with [N, 1] indices (ScatterNd sums duplicates).
 * - Identity copies its input on wasm, and autograd clones every tensor it saves for the backward
 *   pass (~950 copies in a tiny training step). Sharing the data with a reference count (as the cpu
 *   backend does) is safe: tfjs never writes into an existing buffer (Variable.assign swaps buffers).
 * - The 2-D Transpose of [R, C] is 5-13x slower when R is a multiple of 256 (text rows B·T = 512:
 *   power-of-two strides alias in the cache): [512,1000] 4.7 ms, the same bytes moved as
 *   [2, R/2, C] -> [C, 2, R/2] 0.47 ms. Sum over leading axes (bias gradients) transposes first,
 *   through an internal call, so Sum is re-routed through the registered Transpose.
 * - GatherV2 takes 5.6 ms to gather 512 rows of a [1000, 128] table (embeddings): rows are copied
 *   here with typed-array `set` on the wasm heap instead (batchDims 0, float32/int32).
 */
import * as tf from '@tensorflow/tfjs';
import { simdBatchMatMul } from './wasm/batch_matmul';
import { type WasmBackendHeap, wasmKernel } from './wasm/kernels';
import { registerAdamWKernel } from './wasm/adamw_kernel';
import { registerFusedKernels } from './wasm/fused_kernels';
import { registerHeadsKernels } from './wasm/heads_kernel';
import { registerLinearKernels } from './wasm/linear_kernel';
import { registerMeanRowsKernel } from './wasm/mean_rows';
import { installCopyKernels } from './wasm/copy_kernels';
import { sumLeadingAxes } from './wasm/sum_rows';

type TensorInfo = tf.TensorInfo;
type KernelFunc = tf.KernelConfig['kernelFunc'];

const BACKEND = 'wasm';
let installed = false;

/** Stock and patched kernel of every override, so benchmarks can switch one off (A/B runs). */
const variants = new Map<string, { stock: tf.KernelConfig; patched: KernelFunc }>();

/** Replace the wasm kernel `name` by `patched`, remembering the stock one. */
function override(name: string, patched: KernelFunc): void {
  const stock = tf.getKernel(name, BACKEND);
  if (stock == null) throw new Error(`wasm backend has no ${name} kernel to override`);
  tf.unregisterKernel(name, BACKEND);
  tf.registerKernel({ ...stock, kernelFunc: patched });
  variants.set(name, { stock, patched });
}

/**
 * Switch one of mvlm's wasm kernel overrides off (the stock kernel) or on again; for A/B timing
 * only (`bench/ab.ts`). MatMul and Sum look Transpose up per call, so they follow it.
 */
export function setWasmFix(name: string, on: boolean): void {
  const v = variants.get(name);
  if (!v) throw new Error(`setWasmFix: no override named ${name} (have ${[...variants.keys()].join(', ')})`);
  tf.unregisterKernel(name, BACKEND);
  tf.registerKernel({ ...v.stock, kernelFunc: on ? v.patched : v.stock.kernelFunc });
}

/** Names of the installed overrides (after initBackend on wasm). */
export function wasmFixes(): string[] {
  return [...variants.keys()];
}

/** Free kernel-internal temporaries (reshape views drop one reference, the data stays if shared). */
function disposeAll(backend: unknown, temps: TensorInfo[]): void {
  for (const t of temps) (backend as WasmBackendHeap).disposeData(t.dataId);
}

/** Swap the last two axes of `x` with the backend's Transpose kernel. */
function transposeLastTwo(x: TensorInfo, backend: unknown, transpose: KernelFunc): TensorInfo {
  const rank = x.shape.length;
  const perm = [...Array(rank).keys()];
  [perm[rank - 2], perm[rank - 1]] = [perm[rank - 1], perm[rank - 2]];
  return transpose({ inputs: { x }, backend: backend as tf.KernelBackend, attrs: { perm } }) as TensorInfo;
}

/** Re-register `name` so transposed operands are materialised before the plain kernel runs. */
function installPlainMatMul(name: string): void {
  const plain = wasmKernel(name);
  override(name, (args) => {
    // looked up per call, so A/B runs that switch the Transpose fix off reach this path too
    const transpose = wasmKernel('Transpose');
    const { inputs, backend, attrs } = args;
    const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
    if (name === 'BatchMatMul') {
      const { a, b } = inputs as { a: TensorInfo; b: TensorInfo };
      const batched = simdBatchMatMul(a, b, transposeA, transposeB, backend as unknown as WasmBackendHeap, (x) => transposeLastTwo(x, backend, transpose));
      if (batched) return batched;
    }
    if (!transposeA && !transposeB) return plain(args);
    const temps: TensorInfo[] = [];
    let a = inputs.a as TensorInfo;
    let b = inputs.b as TensorInfo;
    try {
      if (transposeA) temps.push((a = transposeLastTwo(a, backend, transpose)));
      if (transposeB) temps.push((b = transposeLastTwo(b, backend, transpose)));
      return plain({
        inputs: { ...inputs, a, b },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
    } finally {
      disposeAll(backend, temps);
    }
  });
}

/** True when the wasm BatchMatMul in the registry is mvlm's transpose-first override. */
export function isWasmMatMulPatched(): boolean {
  const config = tf.getKernel('BatchMatMul', BACKEND);
  return config != null && config.kernelFunc === variants.get('BatchMatMul')?.patched;
}

/** UnsortedSegmentSum(x [N, ...], ids [N], n) = ScatterNd(ids as [N, 1], x, [n, ...]). */
function installUnsortedSegmentSum(): void {
  if (tf.getKernel('UnsortedSegmentSum', BACKEND) != null) return;
  const scatterNd = wasmKernel('ScatterNd');
  const reshape = wasmKernel('Reshape');
  const cast = wasmKernel('Cast');
  tf.registerKernel({
    kernelName: 'UnsortedSegmentSum',
    backendName: BACKEND,
    kernelFunc: ({ inputs, backend, attrs }) => {
      const x = inputs.x as TensorInfo;
      const segmentIds = inputs.segmentIds as TensorInfo;
      const { numSegments } = attrs as { numSegments: number };
      const n = segmentIds.shape.reduce((p, d) => p * d, 1);
      if (x.shape.length < segmentIds.shape.length) {
        throw new Error(`UnsortedSegmentSum: x shape [${x.shape}] is shorter than ids [${segmentIds.shape}]`);
      }
      const inner = x.shape.slice(segmentIds.shape.length);
      const temps: TensorInfo[] = [];
      const k = backend as tf.KernelBackend;
      try {
        let ids = segmentIds;
        if (ids.dtype !== 'int32') temps.push((ids = cast({ inputs: { x: ids }, backend: k, attrs: { dtype: 'int32' } }) as TensorInfo));
        // ids [..] -> [n, 1]; x [.., ...inner] -> [n, ...inner]
        const indices = reshape({ inputs: { x: ids }, backend: k, attrs: { shape: [n, 1] } }) as TensorInfo;
        temps.push(indices);
        const updates = reshape({ inputs: { x }, backend: k, attrs: { shape: [n, ...inner] } }) as TensorInfo;
        temps.push(updates);
        return scatterNd({ inputs: { indices, updates }, backend: k, attrs: { shape: [numSegments, ...inner] } });
      } finally {
        disposeAll(k, temps);
      }
    },
  });
}

/** Identity shares the input's buffer (reference counted) instead of copying it. */
function installSharedIdentity(): void {
  const copy = wasmKernel('Identity');
  override('Identity', (args) => {
    const x = args.inputs.x as TensorInfo;
    if (x.dtype === 'string') return copy(args);
    (args.backend as unknown as WasmBackendHeap).incRef(x.dataId);
    return { dataId: x.dataId, shape: [...x.shape], dtype: x.dtype };
  });
}

/** Rows of a 2-D transpose from which the aliasing-free 3-D route is faster (measured). */
const ALIASED_ROWS = 256;

/** Transpose [R, C] (R a multiple of 256) as [2, R/2, C] -> [C, 2, R/2], the same bytes as [C, R]. */
function installTranspose(): void {
  const plain = wasmKernel('Transpose');
  const reshape = wasmKernel('Reshape');
  override('Transpose', (args) => {
    const x = args.inputs.x as TensorInfo;
    const { perm } = args.attrs as { perm: number[] };
    const [R, C] = x.shape;
    if (x.shape.length !== 2 || perm[0] !== 1 || R % ALIASED_ROWS !== 0 || C === 1) return plain(args);
    const k = args.backend as tf.KernelBackend;
    const x3 = reshape({ inputs: { x }, backend: k, attrs: { shape: [2, R / 2, C] } }) as TensorInfo;
    const t3 = plain({ inputs: { x: x3 }, backend: k, attrs: { perm: [2, 0, 1] } }) as TensorInfo;
    const out = reshape({ inputs: { x: t3 }, backend: k, attrs: { shape: [C, R] } }) as TensorInfo;
    disposeAll(k, [x3, t3]);
    return out;
  });
}

/** Sum over non-innermost axes: transpose through the registry (the fix above), then sum inner axes. */
function installSum(): void {
  const inner = wasmKernel('Sum');
  const reshape = wasmKernel('Reshape');
  override('Sum', (args) => {
    const transpose = wasmKernel('Transpose');
    const x = args.inputs.x as TensorInfo;
    const { axis, keepDims } = args.attrs as { axis: number | number[]; keepDims: boolean };
    const rank = x.shape.length;
    const axes = tf.util.parseAxisParam(axis, x.shape);
    const perm = tf.backend_util.getAxesPermutation(axes, rank);
    if (perm == null) return inner(args);
    const rowSum = sumLeadingAxes(x, axes, keepDims, args.backend as unknown as WasmBackendHeap);
    if (rowSum) return rowSum;
    const k = args.backend as tf.KernelBackend;
    const xt = transpose({ inputs: { x }, backend: k, attrs: { perm } }) as TensorInfo;
    const innerAxes = tf.backend_util.getInnerMostAxes(axes.length, rank);
    const summed = inner({ inputs: { x: xt }, backend: k, attrs: { axis: innerAxes, keepDims: false } }) as TensorInfo;
    disposeAll(k, [xt]);
    if (!keepDims) return summed;
    const shape = tf.backend_util.expandShapeToKeepDim(summed.shape, axes);
    const out = reshape({ inputs: { x: summed }, backend: k, attrs: { shape } }) as TensorInfo;
    disposeAll(k, [summed]);
    return out;
  });
}

/** GatherV2 (batchDims 0): out[o, j, i] = x[o, idx[j], i], rows copied on the wasm heap. */
function installGather(): void {
  const stock = wasmKernel('GatherV2');
  override('GatherV2', (args) => {
    const { x, indices } = args.inputs as { x: TensorInfo; indices: TensorInfo };
    const { axis, batchDims } = args.attrs as { axis: number; batchDims: number };
    const fits = (batchDims ?? 0) === 0 && (x.dtype === 'float32' || x.dtype === 'int32') && indices.dtype === 'int32';
    if (!fits) return stock(args);
    const heap = args.backend as unknown as WasmBackendHeap;
    const ax = tf.util.parseAxisParam(axis, x.shape)[0];
    const n = x.shape[ax];
    const outer = tf.util.sizeFromShape(x.shape.slice(0, ax));
    const inner = tf.util.sizeFromShape(x.shape.slice(ax + 1));
    const ids = Int32Array.from(heap.typedArrayFromHeap(indices));
    for (const i of ids) if (!(i >= 0 && i < n)) throw new Error(`GatherV2: the index value ${i} is not in [0, ${n - 1}] (x is [${x.shape}])`);
    const out = heap.makeOutput([...x.shape.slice(0, ax), ...indices.shape, ...x.shape.slice(ax + 1)], x.dtype);
    const src = heap.typedArrayFromHeap(x);
    const dst = heap.typedArrayFromHeap(out);
    const m = ids.length;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < m; j++) {
        const from = (o * n + ids[j]) * inner;
        const to = (o * m + j) * inner;
        if (inner === 1) dst[to] = src[from];
        else dst.set(src.subarray(from, from + inner), to);
      }
    }
    return out;
  });
}

/** Install every wasm fix once; safe to call again. */
export function installWasmKernelFixes(): void {
  if (installed) return;
  installTranspose();
  installPlainMatMul('BatchMatMul');
  installPlainMatMul('_FusedMatMul');
  installUnsortedSegmentSum();
  installSharedIdentity();
  installSum();
  installGather();
  installCopyKernels(override, wasmKernel);
  registerAdamWKernel();
  registerFusedKernels();
  registerHeadsKernels();
  registerLinearKernels();
  registerMeanRowsKernel();
  installed = true;
}
