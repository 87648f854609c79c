/**
 * Kernel fixes for the tfjs wasm backend, installed once by `initBackend`.
 *
 * - BatchMatMul / _FusedMatMul with transposeA/B: the wasm kernel walks the transposed operand
 *   with a cache-hostile stride (3-20x slower here). Transposing explicitly and running the plain
 *   kernel is much faster, and because autograd dispatches through the same kernel registry,
 *   every weight gradient (dW = xᵀ·dy) benefits.
 * - UnsortedSegmentSum is missing on wasm, so `tf.gather` has no gradient there (embeddings!).
 *   It is exactly a ScatterNd with [N, 1] indices (ScatterNd sums duplicates).
 */
import * as tf from '@tensorflow/tfjs';

type TensorInfo = tf.TensorInfo;
type KernelFunc = tf.KernelConfig['kernelFunc'];
interface WasmBackendLike {
  disposeData(dataId: object): boolean;
}

const BACKEND = 'wasm';
let installed = false;
const patchedKernels = new Set<KernelFunc>();

function kernelOf(name: string): KernelFunc {
  const config = tf.getKernel(name, BACKEND);
  if (config == null) throw new Error(`wasm backend has no ${name} kernel to build on`);
  return config.kernelFunc;
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
  const plain = kernelOf(name);
  const transpose = kernelOf('Transpose');
  tf.unregisterKernel(name, BACKEND);
  const patched: KernelFunc = (args) => {
      const { inputs, backend, attrs } = args;
      const { transposeA, transposeB } = attrs as { transposeA: boolean; transposeB: boolean };
      if (!transposeA && !transposeB) return plain(args);
      const temps: TensorInfo[] = [];
      let a = inputs.a as TensorInfo;
      let b = inputs.b as TensorInfo;
      if (transposeA) temps.push((a = transposeLastTwo(a, backend, transpose)));
      if (transposeB) temps.push((b = transposeLastTwo(b, backend, transpose)));
      const out = plain({
        inputs: { ...inputs, a, b },
        backend,
        attrs: { ...attrs, transposeA: false, transposeB: false },
      });
      for (const t of temps) (backend as unknown as WasmBackendLike).disposeData(t.dataId);
      return out;
  };
  patchedKernels.add(patched);
  tf.registerKernel({ kernelName: name, backendName: BACKEND, kernelFunc: patched });
}

/** True when the wasm BatchMatMul in the registry is mvlm's transpose-first override. */
export function isWasmMatMulPatched(): boolean {
  const config = tf.getKernel('BatchMatMul', BACKEND);
  return config != null && patchedKernels.has(config.kernelFunc);
}

/** UnsortedSegmentSum(x [N, ...], ids [N], n) = ScatterNd(ids as [N, 1], x, [n, ...]). */
function installUnsortedSegmentSum(): void {
  if (tf.getKernel('UnsortedSegmentSum', BACKEND) != null) return;
  const scatterNd = kernelOf('ScatterNd');
  const reshape = kernelOf('Reshape');
  const cast = kernelOf('Cast');
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
      let ids = segmentIds;
      if (ids.dtype !== 'int32') temps.push((ids = cast({ inputs: { x: ids }, backend: k, attrs: { dtype: 'int32' } }) as TensorInfo));
      // ids [..] -> [n, 1]; x [.., ...inner] -> [n, ...inner]
      const indices = reshape({ inputs: { x: ids }, backend: k, attrs: { shape: [n, 1] } }) as TensorInfo;
      const updates = reshape({ inputs: { x }, backend: k, attrs: { shape: [n, ...inner] } }) as TensorInfo;
      temps.push(indices, updates);
      const out = scatterNd({
        inputs: { indices, updates },
        backend: k,
        attrs: { shape: [numSegments, ...inner] },
      });
      for (const t of temps) (backend as unknown as WasmBackendLike).disposeData(t.dataId);
      return out;
    },
  });
}

/** Install every wasm fix once; safe to call again. */
export function installWasmKernelFixes(): void {
  if (installed) return;
  installPlainMatMul('BatchMatMul');
  installPlainMatMul('_FusedMatMul');
  installUnsortedSegmentSum();
  installed = true;
}
