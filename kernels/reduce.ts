/**
 * out[c] = Σ_r x[r, c] for x [rows, cols] row-major: a sum over leading axes (bias gradients) in one
 * pass down the rows, 4 columns per SIMD lane group, instead of a transpose and an inner-axis sum.
 */
export function sumRows(x: usize, out: usize, rows: i32, cols: i32): void {
  const rowBytes = <usize>cols << 2;
  let c = 0;
  // 16 columns at a time: four accumulators stay in registers down the rows
  for (; c + 16 <= cols; c += 16) {
    let a0 = f32x4.splat(0), a1 = f32x4.splat(0), a2 = f32x4.splat(0), a3 = f32x4.splat(0);
    let p = x + (<usize>c << 2);
    for (let r = 0; r < rows; r++) {
      a0 = f32x4.add(a0, v128.load(p));
      a1 = f32x4.add(a1, v128.load(p, 16));
      a2 = f32x4.add(a2, v128.load(p, 32));
      a3 = f32x4.add(a3, v128.load(p, 48));
      p += rowBytes;
    }
    const o = out + (<usize>c << 2);
    v128.store(o, a0);
    v128.store(o, a1, 16);
    v128.store(o, a2, 32);
    v128.store(o, a3, 48);
  }
  for (; c + 4 <= cols; c += 4) {
    let a = f32x4.splat(0);
    let p = x + (<usize>c << 2);
    for (let r = 0; r < rows; r++) {
      a = f32x4.add(a, v128.load(p));
      p += rowBytes;
    }
    v128.store(out + (<usize>c << 2), a);
  }
  for (; c < cols; c++) {
    let s: f32 = 0;
    let p = x + (<usize>c << 2);
    for (let r = 0; r < rows; r++) {
      s += load<f32>(p);
      p += rowBytes;
    }
    store<f32>(out + (<usize>c << 2), s);
  }
}
