/**
 * Batched matmul C[b] = A[b] · B[b] with 128-bit SIMD, for the small batched products of attention
 * (tfjs wasm sends batch > 1 to a scalar loop; XNNPACK only sees batch 1).
 *
 * Layout: B[b] is row-major [k, n] and C[b] row-major [m, n]; A(i, kk) sits at element
 * i·aRow + kk·aCol of A[b], so A may be row-major [m, k] (aRow = k, aCol = 1) or transposed,
 * stored [k, m] (aRow = 1, aCol = m), without a copy. Batch strides are in elements; 0 broadcasts.
 * Pointers are byte offsets into the tfjs heap (this module imports its memory).
 */
import { madd } from './simd_math';

/**
 * Columns 0..n of C rows i..i+3 from 4×8 register tiles (their B columns read from `packed` when it
 * is set, see packPanel), then 4-wide and scalar column tails; B and C rows are `ld` floats apart. */
// @ts-ignore: decorator
@inline
function rows4(a: usize, aRow: usize, aCol: usize, b: usize, c: usize, k: i32, n: i32, ld: i32, packed: usize, bias: usize): void {
  const nB = <usize>ld << 2;
  const tileStep: usize = packed ? 32 : nB;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    let c00 = f32x4.splat(0), c01 = f32x4.splat(0), c10 = f32x4.splat(0), c11 = f32x4.splat(0);
    let c20 = f32x4.splat(0), c21 = f32x4.splat(0), c30 = f32x4.splat(0), c31 = f32x4.splat(0);
    let ap = a;
    let bp = packed ? packed + <usize>(j >> 3) * <usize>k * 32 : b + (<usize>j << 2);
    for (let kk = 0; kk < k; kk++) {
      const b0 = v128.load(bp);
      const b1 = v128.load(bp, 16);
      const a0 = f32x4.splat(load<f32>(ap));
      const a1 = f32x4.splat(load<f32>(ap + aRow));
      const a2 = f32x4.splat(load<f32>(ap + 2 * aRow));
      const a3 = f32x4.splat(load<f32>(ap + 3 * aRow));
      c00 = madd(c00, a0, b0);
      c01 = madd(c01, a0, b1);
      c10 = madd(c10, a1, b0);
      c11 = madd(c11, a1, b1);
      c20 = madd(c20, a2, b0);
      c21 = madd(c21, a2, b1);
      c30 = madd(c30, a3, b0);
      c31 = madd(c31, a3, b1);
      ap += aCol;
      bp += tileStep;
    }
    if (bias) {
      const v0 = v128.load(bias + (<usize>j << 2));
      const v1 = v128.load(bias + (<usize>j << 2), 16);
      c00 = f32x4.add(c00, v0);
      c01 = f32x4.add(c01, v1);
      c10 = f32x4.add(c10, v0);
      c11 = f32x4.add(c11, v1);
      c20 = f32x4.add(c20, v0);
      c21 = f32x4.add(c21, v1);
      c30 = f32x4.add(c30, v0);
      c31 = f32x4.add(c31, v1);
    }
    const cp = c + (<usize>j << 2);
    v128.store(cp, c00);
    v128.store(cp, c01, 16);
    v128.store(cp + nB, c10);
    v128.store(cp + nB, c11, 16);
    v128.store(cp + 2 * nB, c20);
    v128.store(cp + 2 * nB, c21, 16);
    v128.store(cp + 3 * nB, c30);
    v128.store(cp + 3 * nB, c31, 16);
  }
  for (; j + 4 <= n; j += 4) {
    let c0 = f32x4.splat(0), c1 = f32x4.splat(0), c2 = f32x4.splat(0), c3 = f32x4.splat(0);
    let ap = a;
    let bp = b + (<usize>j << 2);
    for (let kk = 0; kk < k; kk++) {
      const b0 = v128.load(bp);
      c0 = madd(c0, f32x4.splat(load<f32>(ap)), b0);
      c1 = madd(c1, f32x4.splat(load<f32>(ap + aRow)), b0);
      c2 = madd(c2, f32x4.splat(load<f32>(ap + 2 * aRow)), b0);
      c3 = madd(c3, f32x4.splat(load<f32>(ap + 3 * aRow)), b0);
      ap += aCol;
      bp += nB;
    }
    if (bias) {
      const v = v128.load(bias + (<usize>j << 2));
      c0 = f32x4.add(c0, v);
      c1 = f32x4.add(c1, v);
      c2 = f32x4.add(c2, v);
      c3 = f32x4.add(c3, v);
    }
    const cp = c + (<usize>j << 2);
    v128.store(cp, c0);
    v128.store(cp + nB, c1);
    v128.store(cp + 2 * nB, c2);
    v128.store(cp + 3 * nB, c3);
  }
  for (; j < n; j++) {
    let s0: f32 = 0, s1: f32 = 0, s2: f32 = 0, s3: f32 = 0;
    let ap = a;
    let bp = b + (<usize>j << 2);
    for (let kk = 0; kk < k; kk++) {
      const bv = load<f32>(bp);
      s0 += load<f32>(ap) * bv;
      s1 += load<f32>(ap + aRow) * bv;
      s2 += load<f32>(ap + 2 * aRow) * bv;
      s3 += load<f32>(ap + 3 * aRow) * bv;
      ap += aCol;
      bp += nB;
    }
    if (bias) {
      const v = load<f32>(bias + (<usize>j << 2));
      s0 += v;
      s1 += v;
      s2 += v;
      s3 += v;
    }
    const cp = c + (<usize>j << 2);
    store<f32>(cp, s0);
    store<f32>(cp + nB, s1);
    store<f32>(cp + 2 * nB, s2);
    store<f32>(cp + 3 * nB, s3);
  }
}

/** Columns 0..n of one row of C: 8-, 4- and 1-wide column blocks; B rows are `ld` floats apart. */
// @ts-ignore: decorator
@inline
function rows1(a: usize, aCol: usize, b: usize, c: usize, k: i32, n: i32, ld: i32, packed: usize, bias: usize): void {
  const nB = <usize>ld << 2;
  const tileStep: usize = packed ? 32 : nB;
  let j = 0;
  for (; j + 8 <= n; j += 8) {
    let c0 = f32x4.splat(0), c1 = f32x4.splat(0);
    let ap = a;
    let bp = packed ? packed + <usize>(j >> 3) * <usize>k * 32 : b + (<usize>j << 2);
    for (let kk = 0; kk < k; kk++) {
      const av = f32x4.splat(load<f32>(ap));
      c0 = madd(c0, av, v128.load(bp));
      c1 = madd(c1, av, v128.load(bp, 16));
      ap += aCol;
      bp += tileStep;
    }
    if (bias) {
      c0 = f32x4.add(c0, v128.load(bias + (<usize>j << 2)));
      c1 = f32x4.add(c1, v128.load(bias + (<usize>j << 2), 16));
    }
    const cp = c + (<usize>j << 2);
    v128.store(cp, c0);
    v128.store(cp, c1, 16);
  }
  for (; j + 4 <= n; j += 4) {
    let c0 = f32x4.splat(0);
    let ap = a;
    let bp = b + (<usize>j << 2);
    for (let kk = 0; kk < k; kk++) {
      c0 = madd(c0, f32x4.splat(load<f32>(ap)), v128.load(bp));
      ap += aCol;
      bp += nB;
    }
    if (bias) c0 = f32x4.add(c0, v128.load(bias + (<usize>j << 2)));
    v128.store(c + (<usize>j << 2), c0);
  }
  for (; j < n; j++) {
    let s: f32 = 0;
    let ap = a;
    let bp = b + (<usize>j << 2);
    for (let kk = 0; kk < k; kk++) {
      s += load<f32>(ap) * load<f32>(bp);
      ap += aCol;
      bp += nB;
    }
    if (bias) s += load<f32>(bias + (<usize>j << 2));
    store<f32>(c + (<usize>j << 2), s);
  }
}

// B is walked in column panels of at most PANEL floats (k rows × width), so a panel stays in the L2
// cache while every row block of A passes over it; without panels a large B (k·n ≫ L2) streams from
// memory once per 4 rows of C ([1632,128]ᵀ·[1632,512]: 1.8x the plain product's time).
const PANEL: i32 = 64 * 1024;

/** Panel width for inner dimension k: a multiple of 8, at least 8 (the caller sizes `scratch` by it). */
export function panelWidth(k: i32): i32 {
  return max(8, (PANEL / max(k, 1)) & ~7);
}

/**
 * The 8-column tiles of a [k, cols] panel of B (rows `ld` floats apart) copied to `out` tile by tile,
 * each tile's k rows of 8 floats contiguous: the 4×8 kernel then reads B as one stream instead of
 * 32 bytes from every row (a cache line and often a page per row).
 */
// @ts-ignore: decorator
@inline
function packPanel(b: usize, ld: i32, k: i32, cols: i32, out: usize): void {
  const rowB = <usize>ld << 2;
  let dst = out;
  for (let t = 0; t + 8 <= cols; t += 8) {
    let src = b + (<usize>t << 2);
    for (let kk = 0; kk < k; kk++) {
      v128.store(dst, v128.load(src));
      v128.store(dst, v128.load(src, 16), 16);
      src += rowB;
      dst += 32;
    }
  }
}

/**
 * C[b] = A[b]·B[b] (+ bias, a [n] row added to every row of C as it is stored, when `bias` ≠ 0);
 * `scratch` (0 = none) is room for k · panelWidth(k) floats on the heap where each panel of B is
 * packed first (worth it when many row blocks of A pass over the panel).
 */
export function batchMatMul(
  a: usize, b: usize, c: usize,
  batch: i32, m: i32, k: i32, n: i32,
  aRow: i32, aCol: i32, aBatch: i32, bBatch: i32, scratch: usize, bias: usize,
): void {
  const aRowB = <usize>aRow << 2;
  const aColB = <usize>aCol << 2;
  const cStride = <usize>(m * n) << 2;
  const width = panelWidth(k);
  for (let bi = 0; bi < batch; bi++) {
    const A = a + (<usize>(bi * aBatch) << 2);
    const B = b + (<usize>(bi * bBatch) << 2);
    const C = c + <usize>bi * cStride;
    for (let j0 = 0; j0 < n; j0 += width) {
      const cols = min(width, n - j0);
      const Bp = B + (<usize>j0 << 2);
      const Cp = C + (<usize>j0 << 2);
      const biasP = bias ? bias + (<usize>j0 << 2) : 0;
      if (scratch) packPanel(Bp, n, k, cols, scratch);
      let i = 0;
      for (; i + 4 <= m; i += 4) rows4(A + <usize>i * aRowB, aRowB, aColB, Bp, Cp + (<usize>(i * n) << 2), k, cols, n, scratch, biasP);
      for (; i < m; i++) rows1(A + <usize>i * aRowB, aColB, Bp, Cp + (<usize>(i * n) << 2), k, cols, n, scratch, biasP);
    }
  }
}
