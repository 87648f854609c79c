/**
 * One AdamW update of a parameter in one pass (the op order of lib/train/adamw.ts's tensor path,
 * so both give the same float32 results):
 *   m' = m·β1 + g·(1−β1)   v' = v·β2 + g²·(1−β2)
 *   p' = p·keep − ((m'/bc1) / (√(v'/bc2) + ε))·lr,   keep = 1 − lr·wd (1 without decay)
 * Pointers are byte offsets into the tfjs heap; outputs may not alias inputs.
 */
export function adamw(
  p: usize, g: usize, m: usize, v: usize,
  pOut: usize, mOut: usize, vOut: usize, n: i32,
  b1: f32, b1c: f32, b2: f32, b2c: f32, bc1: f32, bc2: f32, eps: f32, lr: f32, keep: f32,
): void {
  const B1 = f32x4.splat(b1), B1C = f32x4.splat(b1c), B2 = f32x4.splat(b2), B2C = f32x4.splat(b2c);
  const BC1 = f32x4.splat(bc1), BC2 = f32x4.splat(bc2), EPS = f32x4.splat(eps), LR = f32x4.splat(lr);
  const KEEP = f32x4.splat(keep);
  let i = 0;
  for (; i + 4 <= n; i += 4) {
    const o = <usize>i << 2;
    const gv = v128.load(g + o);
    const mv = f32x4.add(f32x4.mul(v128.load(m + o), B1), f32x4.mul(gv, B1C));
    const vv = f32x4.add(f32x4.mul(v128.load(v + o), B2), f32x4.mul(f32x4.mul(gv, gv), B2C));
    const denom = f32x4.add(f32x4.sqrt(f32x4.div(vv, BC2)), EPS);
    const dir = f32x4.div(f32x4.div(mv, BC1), denom);
    v128.store(mOut + o, mv);
    v128.store(vOut + o, vv);
    v128.store(pOut + o, f32x4.sub(f32x4.mul(v128.load(p + o), KEEP), f32x4.mul(dir, LR)));
  }
  for (; i < n; i++) {
    const o = <usize>i << 2;
    const gs = load<f32>(g + o);
    const ms = load<f32>(m + o) * b1 + gs * b1c;
    const vs = load<f32>(v + o) * b2 + gs * gs * b2c;
    const dir = ms / bc1 / (sqrt<f32>(vs / bc2) + eps);
    store<f32>(mOut + o, ms);
    store<f32>(vOut + o, vs);
    store<f32>(pOut + o, load<f32>(p + o) * keep - dir * lr);
  }
}
