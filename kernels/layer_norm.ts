/**
 * LayerNorm over rows of D, forward and analytic backward in one pass each (lib/core/fused.ts):
 *   x̂ = (x − μ)·r, r = 1/√(σ² + ε);  y = x̂·γ + β
 *   dx = r·(g − mean(g) − x̂·mean(g·x̂)), g = dy·γ;  dγ = Σ_rows dy·x̂;  dβ = Σ_rows dy
 * The forward writes (μ, r) per row to `stats` [rows, 2] so the backward rebuilds x̂ from x.
 */
import { hsum, madd } from './simd_math';

// @ts-ignore: decorator
@inline
function rowSum(p: usize, d: i32): f32 {
  let acc = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= d; j += 4) acc = f32x4.add(acc, v128.load(p + (<usize>j << 2)));
  let s = hsum(acc);
  for (; j < d; j++) s += load<f32>(p + (<usize>j << 2));
  return s;
}

export function layerNorm(x: usize, gamma: usize, beta: usize, y: usize, stats: usize, rows: i32, d: i32, eps: f32): void {
  const invD: f32 = 1 / <f32>d;
  for (let r = 0; r < rows; r++) {
    const xr = x + (<usize>(r * d) << 2);
    const yr = y + (<usize>(r * d) << 2);
    const mean = rowSum(xr, d) * invD;
    const M = f32x4.splat(mean);
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      const c = f32x4.sub(v128.load(xr + (<usize>j << 2)), M);
      acc = madd(acc, c, c);
    }
    let ss = hsum(acc);
    for (; j < d; j++) {
      const c = load<f32>(xr + (<usize>j << 2)) - mean;
      ss += c * c;
    }
    const rstd: f32 = 1 / Mathf.sqrt(ss * invD + eps);
    const R = f32x4.splat(rstd);
    j = 0;
    for (; j + 4 <= d; j += 4) {
      const o = <usize>j << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(xr + o), M), R);
      v128.store(yr + o, f32x4.add(f32x4.mul(xh, v128.load(gamma + o)), v128.load(beta + o)));
    }
    for (; j < d; j++) {
      const o = <usize>j << 2;
      store<f32>(yr + o, (load<f32>(xr + o) - mean) * rstd * load<f32>(gamma + o) + load<f32>(beta + o));
    }
    store<f32>(stats + (<usize>r << 3), mean);
    store<f32>(stats + (<usize>r << 3), rstd, 4);
  }
}

export function layerNormGrad(x: usize, stats: usize, gamma: usize, dy: usize, dx: usize, dgamma: usize, dbeta: usize, rows: i32, d: i32): void {
  const invD: f32 = 1 / <f32>d;
  memory.fill(dgamma, 0, <usize>d << 2);
  memory.fill(dbeta, 0, <usize>d << 2);
  for (let r = 0; r < rows; r++) {
    const off = <usize>(r * d) << 2;
    const xr = x + off, dyr = dy + off, dxr = dx + off;
    const mean = load<f32>(stats + (<usize>r << 3));
    const rstd = load<f32>(stats + (<usize>r << 3), 4);
    const M = f32x4.splat(mean), R = f32x4.splat(rstd);
    // pass 1: mean(g), mean(g·x̂); dγ, dβ
    let sg = f32x4.splat(0), sgx = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= d; j += 4) {
      const o = <usize>j << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(xr + o), M), R);
      const dyv = v128.load(dyr + o);
      const g = f32x4.mul(dyv, v128.load(gamma + o));
      sg = f32x4.add(sg, g);
      sgx = madd(sgx, g, xh);
      v128.store(dgamma + o, madd(v128.load(dgamma + o), dyv, xh));
      v128.store(dbeta + o, f32x4.add(v128.load(dbeta + o), dyv));
    }
    let mg = hsum(sg), mgx = hsum(sgx);
    for (; j < d; j++) {
      const o = <usize>j << 2;
      const xh = (load<f32>(xr + o) - mean) * rstd;
      const dyv = load<f32>(dyr + o);
      const g = dyv * load<f32>(gamma + o);
      mg += g;
      mgx += g * xh;
      store<f32>(dgamma + o, load<f32>(dgamma + o) + dyv * xh);
      store<f32>(dbeta + o, load<f32>(dbeta + o) + dyv);
    }
    mg *= invD;
    mgx *= invD;
    const MG = f32x4.splat(mg), MGX = f32x4.splat(mgx);
    // pass 2: dx = r·(g − mean(g) − x̂·mean(g·x̂))
    j = 0;
    for (; j + 4 <= d; j += 4) {
      const o = <usize>j << 2;
      const xh = f32x4.mul(f32x4.sub(v128.load(xr + o), M), R);
      const g = f32x4.mul(v128.load(dyr + o), v128.load(gamma + o));
      v128.store(dxr + o, f32x4.mul(R, f32x4.sub(f32x4.sub(g, MG), f32x4.mul(xh, MGX))));
    }
    for (; j < d; j++) {
      const o = <usize>j << 2;
      const xh = (load<f32>(xr + o) - mean) * rstd;
      const g = load<f32>(dyr + o) * load<f32>(gamma + o);
      store<f32>(dxr + o, rstd * (g - mg - xh * mgx));
    }
  }
}
