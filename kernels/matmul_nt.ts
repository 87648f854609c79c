/**
 * Batched C[b] = A[b] · B[b]ᵀ with A [m, k] and B [n, k] row-major: every output is a dot product
 * of two contiguous rows, so neither operand is transposed first (dX = dY·Wᵀ, attention's Q·Kᵀ).
 * Register tile: 4 rows of A × 2 rows of B, SIMD along k, lanes summed at the end.
 * Pointers are byte offsets into the tfjs heap; batch strides in elements (0 broadcasts).
 */
import { hsum, madd } from './simd_math';

/** Σ_k a[k]·b[k] for the k % 4 trailing elements, from element `from`. */
// @ts-ignore: decorator
@inline
function tailDot(a: usize, b: usize, from: i32, k: i32): f32 {
  let s: f32 = 0;
  for (let kk = from; kk < k; kk++) s += load<f32>(a + (<usize>kk << 2)) * load<f32>(b + (<usize>kk << 2));
  return s;
}

/** Rows a0..a3 against rows b0, b1 -> C[0..3][0..1] (ldc in bytes). */
// @ts-ignore: decorator
@inline
function tile4x2(a: usize, lda: usize, b: usize, ldb: usize, c: usize, ldc: usize, k: i32, k4: i32): void {
  let s00 = f32x4.splat(0), s01 = f32x4.splat(0), s10 = f32x4.splat(0), s11 = f32x4.splat(0);
  let s20 = f32x4.splat(0), s21 = f32x4.splat(0), s30 = f32x4.splat(0), s31 = f32x4.splat(0);
  for (let kk = 0; kk < k4; kk += 4) {
    const o = <usize>kk << 2;
    const b0 = v128.load(b + o), b1 = v128.load(b + ldb + o);
    const a0 = v128.load(a + o), a1 = v128.load(a + lda + o), a2 = v128.load(a + 2 * lda + o), a3 = v128.load(a + 3 * lda + o);
    s00 = madd(s00, a0, b0);
    s01 = madd(s01, a0, b1);
    s10 = madd(s10, a1, b0);
    s11 = madd(s11, a1, b1);
    s20 = madd(s20, a2, b0);
    s21 = madd(s21, a2, b1);
    s30 = madd(s30, a3, b0);
    s31 = madd(s31, a3, b1);
  }
  const b1p = b + ldb;
  store<f32>(c, hsum(s00) + tailDot(a, b, k4, k));
  store<f32>(c, hsum(s01) + tailDot(a, b1p, k4, k), 4);
  store<f32>(c + ldc, hsum(s10) + tailDot(a + lda, b, k4, k));
  store<f32>(c + ldc, hsum(s11) + tailDot(a + lda, b1p, k4, k), 4);
  store<f32>(c + 2 * ldc, hsum(s20) + tailDot(a + 2 * lda, b, k4, k));
  store<f32>(c + 2 * ldc, hsum(s21) + tailDot(a + 2 * lda, b1p, k4, k), 4);
  store<f32>(c + 3 * ldc, hsum(s30) + tailDot(a + 3 * lda, b, k4, k));
  store<f32>(c + 3 * ldc, hsum(s31) + tailDot(a + 3 * lda, b1p, k4, k), 4);
}

/** One row of A against one row of B. */
// @ts-ignore: decorator
@inline
function dot1(a: usize, b: usize, k: i32, k4: i32): f32 {
  let s = f32x4.splat(0);
  for (let kk = 0; kk < k4; kk += 4) s = madd(s, v128.load(a + (<usize>kk << 2)), v128.load(b + (<usize>kk << 2)));
  return hsum(s) + tailDot(a, b, k4, k);
}

export function batchMatMulNT(a: usize, b: usize, c: usize, batch: i32, m: i32, k: i32, n: i32, aBatch: i32, bBatch: i32): void {
  const lda = <usize>k << 2;
  const ldc = <usize>n << 2;
  const k4 = k & ~3;
  for (let bi = 0; bi < batch; bi++) {
    const A = a + (<usize>(bi * aBatch) << 2);
    const B = b + (<usize>(bi * bBatch) << 2);
    const C = c + <usize>bi * <usize>(m * n) * 4;
    let i = 0;
    for (; i + 4 <= m; i += 4) {
      const ai = A + <usize>i * lda;
      const ci = C + <usize>i * ldc;
      let j = 0;
      for (; j + 2 <= n; j += 2) tile4x2(ai, lda, B + <usize>j * lda, lda, ci + (<usize>j << 2), ldc, k, k4);
      if (j < n) {
        const bj = B + <usize>j * lda;
        for (let r = 0; r < 4; r++) store<f32>(ci + <usize>r * ldc + (<usize>j << 2), dot1(ai + <usize>r * lda, bj, k, k4));
      }
    }
    for (; i < m; i++) {
      const ai = A + <usize>i * lda;
      const ci = C + <usize>i * ldc;
      for (let j = 0; j < n; j++) store<f32>(ci + (<usize>j << 2), dot1(ai, B + <usize>j * lda, k, k4));
    }
  }
}
