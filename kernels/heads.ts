/**
 * Attention heads cut out of a fused projection in one pass, and the backward. Part `part` of
 * x [B, T, P·H·dh] (P = 3 for q|k|v) becomes [B, H, T, dh] (queries, values) or, with `keysT`,
 * [B, H, dh, T] (keys, so q·kᵀ is a plain product), times `scale`. Replaces a split, a reshape and
 * a transpose per part (and the scale's multiply) forward, and their inverses plus a concat backward.
 */

/** n floats from src to dst (steps in bytes), times scale; SIMD when both runs are contiguous. */
function copyRun(src: usize, srcStep: usize, dst: usize, dstStep: usize, n: i32, scale: f32): void {
  let i = 0;
  if (srcStep == 4 && dstStep == 4) {
    const s = f32x4.splat(scale);
    for (; i + 4 <= n; i += 4) v128.store(dst + (<usize>i << 2), f32x4.mul(v128.load(src + (<usize>i << 2)), s));
  }
  for (; i < n; i++) store<f32>(dst + <usize>i * dstStep, load<f32>(src + <usize>i * srcStep) * scale);
}

/** Walk every (b, t, h) run of dh floats between x's part and its head layout, in either direction. */
function walk(x: usize, heads: usize, B: i32, T: i32, P: i32, H: i32, dh: i32, part: i32, keysT: bool, scale: f32, toHeads: bool): void {
  const D = H * dh;
  const headStep: usize = keysT ? <usize>T << 2 : 4;
  for (let b = 0; b < B; b++) {
    for (let t = 0; t < T; t++) {
      for (let h = 0; h < H; h++) {
        const xp = x + (<usize>((b * T + t) * P * D + part * D + h * dh) << 2);
        const bh = b * H + h;
        const hp = heads + (<usize>(keysT ? bh * dh * T + t : (bh * T + t) * dh) << 2);
        if (toHeads) copyRun(xp, 4, hp, headStep, dh, scale);
        else copyRun(hp, headStep, xp, 4, dh, scale);
      }
    }
  }
}

/** out = part `part` of x [B, T, P·H·dh] as heads ([B, H, T, dh], or [B, H, dh, T] when keysT) · scale. */
export function splitHeads(x: usize, out: usize, B: i32, T: i32, P: i32, H: i32, dh: i32, part: i32, keysT: bool, scale: f32): void {
  walk(x, out, B, T, P, H, dh, part, keysT, scale, true);
}

/** The backward of splitHeads: part `part` of dx [B, T, P·H·dh] = dOut (in the head layout) · scale. */
export function mergeHeads(dOut: usize, dx: usize, B: i32, T: i32, P: i32, H: i32, dh: i32, part: i32, keysT: bool, scale: f32): void {
  walk(dx, dOut, B, T, P, H, dh, part, keysT, scale, false);
}
