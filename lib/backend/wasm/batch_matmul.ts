/**
 * Products on mvlm's SIMD kernels (kernels/matmul.ts, kernels/matmul_nt.ts):
 *  - batch > 1 (attention's [B·H, T, d] products): the stock wasm backend runs them in a scalar
 *    loop at 15-50x the time of XNNPACK's plain product;
 *  - a·bᵀ at any batch (dX = dY·Wᵀ, Q·Kᵀ): dot products of contiguous rows, no transpose of b
 *    and no XNNPACK packing of a freshly transposed weight (a new tensor) on every call.
 * A transposed a is read in place through strides (a·b); aᵀ·bᵀ transposes b once first.
 */
import * as tf from '@tensorflow/tfjs';
import { nativeBlas } from '../native_blas';
import { MVLM_KERNELS } from '../switches';
import { heapOffset, mvlmKernels, type WasmBackendHeap } from './kernels';

type TensorInfo = tf.TensorInfo;
type Transpose = (x: TensorInfo) => TensorInfo;

/**
 * aᵀ·b with a small output (weight gradients of narrow layers: the patch embedding's [192, 128],
 * tiny's qkv [128, 384] and MLM decoder [128, 1000]): read aᵀ through strides instead of transposing
 * it and letting XNNPACK pack b, which measured 2-3x the plain product's time inside a training
 * step (cold operands; in isolation it is ~1x). Larger outputs stay on XNNPACK, which blocks for the
 * cache where this kernel re-streams b (1.2-1.8x slower than XNNPACK from 256x1024 up, measured);
 * so does a tall aᵀ (over 512k floats): 16 bytes per row of a at a 2 KB stride, a new page every
 * other row ([1632,512]ᵀ·[1632,128]: 8.8 ms strided vs 6.8 ms transposed + XNNPACK, cold operands).
 */
const SMALL_OUTPUT = 128 * 1024;
const TALL_A = 512 * 1024;
function smallOutput(a: TensorInfo, b: TensorInfo): boolean {
  return MVLM_KERNELS.stridedTN && a.shape[a.shape.length - 1] * b.shape[b.shape.length - 1] <= SMALL_OUTPUT && tf.util.sizeFromShape(a.shape.slice(-2)) <= TALL_A;
}

/**
 * a·b with a small right operand (tiny's weights, K·N ≤ 128k): training brings new weights every
 * step, which XNNPACK packs on first use; this kernel packs nothing.
 */
const SMALL_WEIGHT = 128 * 1024;
function smallWeight(b: TensorInfo): boolean {
  return MVLM_KERNELS.smallWeightNN && tf.util.sizeFromShape(b.shape.slice(-2)) <= SMALL_WEIGHT;
}

/**
 * Pack each panel of b into contiguous 8-column tiles first when the panel is tall (k ≥ 1024 rows:
 * unpacked, every row of it is another cache line and every other row another page) and enough
 * rows of a pass over it to pay for the copy (16 = 4 passes of the 4-row tile). Shorter panels are
 * read in place: packing them bought nothing on the tiny step (A/B), cost attention's small
 * per-head products 7 % of the small step, and took FLIP's ratio from 1.81–1.84 to 1.75–1.80
 * (the copy is a fixed cost per call, a larger share of the half-size product).
 */
function packsPanels(m: number, k: number, n: number): boolean {
  return MVLM_KERNELS.packPanels && k >= 1024 && m >= 16 && n >= 8;
}

/** Which 2-D products beside a·bᵀ this kernel takes over from XNNPACK (measured above). */
function onStridedKernel2d(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): boolean {
  if (transposeB) return false; // aᵀ·bᵀ: transpose b + XNNPACK
  return transposeA ? smallOutput(a, b) : smallWeight(b);
}

/**
 * a [...batch, m, k] (or [..., k, m] with transposeA) · b (+ bias [n]) → [...batch, m, n], or null
 * to fall back. A bias is taken on the a·b routes only (the caller's fallback adds it otherwise).
 */
export function simdBatchMatMul(
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  backend: WasmBackendHeap,
  transposeLastTwo: Transpose,
  bias: TensorInfo | null = null,
): TensorInfo | null {
  if (!MVLM_KERNELS.batchMatMul || a.dtype !== 'float32' || b.dtype !== 'float32' || a.shape.length < 2 || b.shape.length < 2) return null;
  const p = productOf(a, b, transposeA, transposeB);
  if (!p) return null;
  if (bias && (bias.dtype !== 'float32' || bias.shape.length !== 1 || bias.shape[0] !== p.n)) return null;
  const blas = MVLM_KERNELS.nativeBlas ? nativeBlas() : null;
  if (blas) return nativeProduct(blas, a, b, transposeA, transposeB, backend, bias, p);
  const dot = transposeB && !transposeA;
  if (bias && transposeB) return null;
  if (p.batch < 2 && !dot && !onStridedKernel2d(a, b, transposeA, transposeB)) return null; // stays on XNNPACK
  const { batch, m, k, n, strideA, strideB } = p;
  const kernels = mvlmKernels(backend);
  const out = backend.makeOutput(p.outShape, 'float32');
  if (m * n * batch === 0) return out;
  const [pa, pc] = [heapOffset(backend, a), heapOffset(backend, out)];
  if (dot) {
    kernels.batchMatMulNT(pa, heapOffset(backend, b), pc, batch, m, k, n, strideA, strideB);
    return out;
  }
  const bRowMajor = transposeB ? transposeLastTwo(b) : b;
  const scratch = packsPanels(m, k, n) ? backend.makeOutput([k * Math.min(kernels.panelWidth(k), n)], 'float32') : null;
  try {
    const ps = scratch ? heapOffset(backend, scratch) : 0;
    kernels.batchMatMul(pa, heapOffset(backend, bRowMajor), pc, batch, m, k, n, transposeA ? 1 : k, transposeA ? m : 1, strideA, strideB, ps, bias ? heapOffset(backend, bias) : 0);
    return out;
  } finally {
    if (bRowMajor !== b) backend.disposeData(bRowMajor.dataId);
    if (scratch) backend.disposeData(scratch.dataId);
  }
}

/** A product's sizes: `batch` products of [m, k]·[k, n] into `outShape`, operand strides in floats (0 = broadcast). */
interface Product {
  batch: number;
  outShape: number[];
  m: number;
  k: number;
  n: number;
  strideA: number;
  strideB: number;
}

/** Same batch on both sides or one side broadcast whole; anything fancier (null) goes to the stock kernel. */
function productOf(a: TensorInfo, b: TensorInfo, transposeA: boolean, transposeB: boolean): Product | null {
  const batchA = a.shape.slice(0, -2);
  const batchB = b.shape.slice(0, -2);
  const nA = tf.util.sizeFromShape(batchA);
  const nB = tf.util.sizeFromShape(batchB);
  const sameBatch = batchA.length === batchB.length && batchA.every((d, i) => d === batchB[i]);
  if (!sameBatch && nA !== 1 && nB !== 1) return null;
  const [ra, ca] = a.shape.slice(-2);
  const m = transposeA ? ca : ra;
  const k = transposeA ? ra : ca;
  const [rb, cb] = b.shape.slice(-2);
  const kB = transposeB ? cb : rb;
  const n = transposeB ? rb : cb;
  if (k !== kB) throw new Error(`BatchMatMul: inner dimensions differ: a [${a.shape}]${transposeA ? 'ᵀ' : ''} · b [${b.shape}]${transposeB ? 'ᵀ' : ''}`);
  const outBatch = nA >= nB ? batchA : batchB;
  return { batch: Math.max(nA, nB), outShape: [...outBatch, m, n], m, k, n, strideA: nA === 1 ? 0 : m * k, strideB: nB === 1 ? 0 : k * n };
}

/** Every product on OpenBLAS when the native addon runs (lib/backend/native_blas.ts), in place on the heap. */
function nativeProduct(
  blas: NonNullable<ReturnType<typeof nativeBlas>>,
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
  backend: WasmBackendHeap,
  bias: TensorInfo | null,
  p: Product,
): TensorInfo {
  const out = backend.makeOutput(p.outShape, 'float32');
  if (p.m * p.n * p.batch === 0) return out;
  const offset = (t: TensorInfo) => heapOffset(backend, t);
  // the heap's buffer is read after makeOutput: allocating can grow (and detach) it
  blas.gemm(backend.wasm.asm.memory.buffer, p.batch, p.m, p.n, p.k, transposeA ? 1 : 0, transposeB ? 1 : 0, offset(a), offset(b), offset(out), p.strideA, p.strideB, bias ? offset(bias) : 0);
  return out;
}
