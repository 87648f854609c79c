/**
 * Exact GELU x·Φ(x) and its derivative in one pass each, with erfc from Abramowitz & Stegun 7.1.26
 * (|error| ≤ 1.5e-7, as lib/core/fused.ts's tensor formulation):
 *   q = erfc(|x|/√2) = t·P(t)·e^{−x²/2},  t = 1/(1 + p·|x|/√2)
 *   GELU(x) = ½(x + |x|·(1 − q));  GELU'(x) = Φ(x) + x·φ(x),  Φ(x) = ½ + ½·sign(x)·(1 − q)
 */
import { exp4 } from './simd_math';

const P: f32 = 0.3275911 / 1.41421356237309515;
const A0: f32 = 0.254829592;
const A1: f32 = -0.284496736;
const A2: f32 = 1.421413741;
const A3: f32 = -1.453152027;
const A4: f32 = 1.061405429;
const INV_SQRT2PI: f32 = 0.398942280401432678;
const SIGN: i32 = 0x80000000;

/** erfc(|x|/√2) from |x| and e = e^{−x²/2}. */
// @ts-ignore: decorator
@inline
function erfcHalf(ax: v128, e: v128): v128 {
  const t = f32x4.div(f32x4.splat(1), f32x4.add(f32x4.mul(ax, f32x4.splat(P)), f32x4.splat(1)));
  let poly = f32x4.mul(t, f32x4.splat(A4));
  poly = f32x4.mul(f32x4.add(poly, f32x4.splat(A3)), t);
  poly = f32x4.mul(f32x4.add(poly, f32x4.splat(A2)), t);
  poly = f32x4.mul(f32x4.add(poly, f32x4.splat(A1)), t);
  poly = f32x4.mul(f32x4.add(poly, f32x4.splat(A0)), t);
  return f32x4.mul(poly, e);
}

// @ts-ignore: decorator
@inline
function gaussian(x: v128): v128 {
  return exp4(f32x4.mul(f32x4.mul(x, x), f32x4.splat(-0.5)));
}

export function gelu(x: usize, y: usize, n: i32): void {
  const ONE = f32x4.splat(1), HALF = f32x4.splat(0.5);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const xv = v128.load(x + o);
    const ax = f32x4.abs(xv);
    const q = erfcHalf(ax, gaussian(xv));
    v128.store(y + o, f32x4.mul(f32x4.add(xv, f32x4.mul(ax, f32x4.sub(ONE, q))), HALF));
  }
  if (i < n) {
    // tail through a zero-padded vector: lanes past n are computed and dropped
    const tail = loadTail(x, i, n);
    const ax = f32x4.abs(tail);
    const q = erfcHalf(ax, gaussian(tail));
    storeTail(y, i, n, f32x4.mul(f32x4.add(tail, f32x4.mul(ax, f32x4.sub(ONE, q))), HALF));
  }
}

/** dx = dy · (Φ(x) + x·φ(x)). */
export function geluGrad(x: usize, dy: usize, dx: usize, n: i32): void {
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    v128.store(dx + o, geluGrad4(v128.load(x + o), v128.load(dy + o)));
  }
  if (i < n) storeTail(dx, i, n, geluGrad4(loadTail(x, i, n), loadTail(dy, i, n)));
}

// @ts-ignore: decorator
@inline
function geluGrad4(xv: v128, dyv: v128): v128 {
  const e = gaussian(xv);
  const q = erfcHalf(f32x4.abs(xv), e);
  const half = f32x4.mul(f32x4.sub(f32x4.splat(1), q), f32x4.splat(0.5));
  // ½(1 − q) with x's sign bit: ½·sign(x)·(1 − q) (0 at x = 0, where 1 − q = 0)
  const signed = v128.or(half, v128.and(xv, i32x4.splat(SIGN)));
  const cdf = f32x4.add(signed, f32x4.splat(0.5));
  const pdfTerm = f32x4.mul(f32x4.mul(xv, e), f32x4.splat(INV_SQRT2PI));
  return f32x4.mul(dyv, f32x4.add(cdf, pdfTerm));
}

// @ts-ignore: decorator
@inline
function loadTail(p: usize, i: i32, n: i32): v128 {
  let v = f32x4.splat(0);
  const base = p + (<usize>i << 2);
  v = f32x4.replace_lane(v, 0, load<f32>(base));
  if (i + 1 < n) v = f32x4.replace_lane(v, 1, load<f32>(base, 4));
  if (i + 2 < n) v = f32x4.replace_lane(v, 2, load<f32>(base, 8));
  return v;
}

// @ts-ignore: decorator
@inline
function storeTail(p: usize, i: i32, n: i32, v: v128): void {
  const base = p + (<usize>i << 2);
  store<f32>(base, f32x4.extract_lane(v, 0));
  if (i + 1 < n) store<f32>(base, f32x4.extract_lane(v, 1), 4);
  if (i + 2 < n) store<f32>(base, f32x4.extract_lane(v, 2), 8);
}
