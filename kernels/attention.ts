/**
 * Multi-head attention core in one pass each way, on [B, T, H·dh] row layouts (no head
 * transposes): out = softmax(scale·Q·Kᵀ + bias)·V per (batch, head), keeping the probabilities P
 * [B, H, T, S] for the backward:
 *   dV = Pᵀ·dO;  dP = dO·Vᵀ;  dS = P ⊙ (dP − rowsum(P ⊙ dP));  dQ = scale·dS·K;  dK = scale·dSᵀ·Q
 * Q, K, V are column slices of row-major tensors (a fused [B, T, 3D] qkv works in place): each has
 * a pointer to its first element and a row stride in elements. The bias is additive per (b, t, s)
 * with strides (0 broadcasts); biasPtr 0 means none. Pointers are byte offsets into the tfjs heap.
 */
import { exp4, hsum } from './simd_math';

// @ts-ignore: decorator
@inline
function dot(a: usize, b: usize, n: i32): f32 {
  let acc = f32x4.splat(0);
  let j = 0;
  for (; j + 4 <= n; j += 4) acc = f32x4.add(acc, f32x4.mul(v128.load(a + (<usize>j << 2)), v128.load(b + (<usize>j << 2))));
  let s = hsum(acc);
  for (; j < n; j++) s += load<f32>(a + (<usize>j << 2)) * load<f32>(b + (<usize>j << 2));
  return s;
}

/** y[0..n) += alpha · x[0..n) */
// @ts-ignore: decorator
@inline
function axpy(y: usize, alpha: f32, x: usize, n: i32): void {
  const A = f32x4.splat(alpha);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    const o = <usize>j << 2;
    v128.store(y + o, f32x4.add(v128.load(y + o), f32x4.mul(A, v128.load(x + o))));
  }
  for (; j < n; j++) {
    const o = <usize>j << 2;
    store<f32>(y + o, load<f32>(y + o) + alpha * load<f32>(x + o));
  }
}

/** row[0..n) ← softmax(row[0..n)) in place (max-subtracted; a row of equal logits stays uniform). */
// @ts-ignore: decorator
@inline
function softmaxRow(row: usize, n: i32): void {
  let m = load<f32>(row);
  for (let s = 1; s < n; s++) m = max(m, load<f32>(row + (<usize>s << 2)));
  const M = f32x4.splat(m);
  let acc = f32x4.splat(0);
  let s = 0;
  for (; s + 4 <= n; s += 4) {
    const o = <usize>s << 2;
    const e = exp4(f32x4.sub(v128.load(row + o), M));
    v128.store(row + o, e);
    acc = f32x4.add(acc, e);
  }
  let sum = hsum(acc);
  for (; s < n; s++) {
    const o = <usize>s << 2;
    const e = f32x4.extract_lane(exp4(f32x4.splat(load<f32>(row + o) - m)), 0);
    store<f32>(row + o, e);
    sum += e;
  }
  const inv = f32x4.splat(1 / sum);
  s = 0;
  for (; s + 4 <= n; s += 4) {
    const o = <usize>s << 2;
    v128.store(row + o, f32x4.mul(v128.load(row + o), inv));
  }
  for (; s < n; s++) {
    const o = <usize>s << 2;
    store<f32>(row + o, load<f32>(row + o) * f32x4.extract_lane(inv, 0));
  }
}

/** Byte address of element (row, col) of a row-major matrix at p with `stride` elements per row. */
// @ts-ignore: decorator
@inline
function at(p: usize, row: i32, stride: i32, col: i32): usize {
  return p + (<usize>(row * stride + col) << 2);
}

export function attention(
  q: usize, k: usize, v: usize, qRow: i32, kvRow: i32,
  bias: usize, biasBatch: i32, biasRow: i32,
  out: usize, probs: usize,
  batch: i32, t: i32, s: i32, heads: i32, dh: i32, scale: f32,
): void {
  const d = heads * dh;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      // head h of batch b: K rows at kb + j·kvRow, V rows at vb + j·kvRow
      const kb = at(k, b * s, kvRow, h * dh);
      const vb = at(v, b * s, kvRow, h * dh);
      for (let i = 0; i < t; i++) {
        const qi = at(q, b * t + i, qRow, h * dh);
        const row = at(probs, (b * heads + h) * t + i, s, 0);
        const bi = at(bias, b, biasBatch, i * biasRow);
        for (let j = 0; j < s; j++) {
          let logit = scale * dot(qi, at(kb, j, kvRow, 0), dh);
          if (bias != 0) logit += load<f32>(at(bi, 0, 0, j));
          store<f32>(at(row, 0, 0, j), logit);
        }
        softmaxRow(row, s);
        const oi = at(out, b * t + i, d, h * dh);
        memory.fill(oi, 0, <usize>dh << 2);
        for (let j = 0; j < s; j++) axpy(oi, load<f32>(at(row, 0, 0, j)), at(vb, j, kvRow, 0), dh);
      }
    }
  }
}

/**
 * dq, dk, dv: column slices like q, k, v (row strides dqRow, dkvRow); scratch: s floats.
 * dq = 0 skips dQ, dk = 0 skips dK and dV (a caller wanting only one side).
 */
export function attentionGrad(
  q: usize, k: usize, v: usize, qRow: i32, kvRow: i32,
  probs: usize, dout: usize,
  dq: usize, dk: usize, dv: usize, dqRow: i32, dkvRow: i32, scratch: usize,
  batch: i32, t: i32, s: i32, heads: i32, dh: i32, scale: f32,
): void {
  const d = heads * dh;
  for (let b = 0; b < batch; b++) {
    for (let h = 0; h < heads; h++) {
      const kb = at(k, b * s, kvRow, h * dh);
      const vb = at(v, b * s, kvRow, h * dh);
      const dkb = at(dk, b * s, dkvRow, h * dh);
      const dvb = at(dv, b * s, dkvRow, h * dh);
      const kv = dk != 0;
      for (let j = 0; kv && j < s; j++) {
        memory.fill(at(dkb, j, dkvRow, 0), 0, <usize>dh << 2);
        memory.fill(at(dvb, j, dkvRow, 0), 0, <usize>dh << 2);
      }
      for (let i = 0; i < t; i++) {
        const qi = at(q, b * t + i, qRow, h * dh);
        const doi = at(dout, b * t + i, d, h * dh);
        const row = at(probs, (b * heads + h) * t + i, s, 0);
        // dV += P[i, j]·dO[i];  dP[i, j] = dO[i]·V[j];  Σ_j P·dP
        let rowDot: f32 = 0;
        for (let j = 0; j < s; j++) {
          const p = load<f32>(at(row, 0, 0, j));
          if (kv) axpy(at(dvb, j, dkvRow, 0), p, doi, dh);
          const dp = dot(doi, at(vb, j, kvRow, 0), dh);
          store<f32>(at(scratch, 0, 0, j), dp);
          rowDot += p * dp;
        }
        // dS = P ⊙ (dP − rowDot)·scale;  dQ[i] = Σ_j dS·K[j];  dK[j] += dS·Q[i]
        const dqi = at(dq, b * t + i, dqRow, h * dh);
        if (dq != 0) memory.fill(dqi, 0, <usize>dh << 2);
        for (let j = 0; j < s; j++) {
          const ds = load<f32>(at(row, 0, 0, j)) * (load<f32>(at(scratch, 0, 0, j)) - rowDot) * scale;
          if (dq != 0) axpy(dqi, ds, at(kb, j, kvRow, 0), dh);
          if (kv) axpy(at(dkb, j, dkvRow, 0), ds, qi, dh);
        }
      }
    }
  }
}
