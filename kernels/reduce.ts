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

/**
 * out[j] = (x[0, at + j] + x[1, at + j] + … + x[rows − 1, at + j]) · scale for j < n, x [rows, stride]:
 * the mean of data-parallel gradient rows over one parameter's columns, added in row order (the
 * order a chain of tensor adds takes), in one pass.
 */
export function meanRows(x: usize, out: usize, rows: i32, stride: i32, at: i32, n: i32, scale: f32): void {
  const rowBytes = <usize>stride << 2;
  const first = x + (<usize>at << 2);
  const s = f32x4.splat(scale);
  let j = 0;
  for (; j + 4 <= n; j += 4) {
    let p = first + (<usize>j << 2);
    let acc = v128.load(p);
    for (let r = 1; r < rows; r++) {
      p += rowBytes;
      acc = f32x4.add(acc, v128.load(p));
    }
    v128.store(out + (<usize>j << 2), f32x4.mul(acc, s));
  }
  for (; j < n; j++) {
    let p = first + (<usize>j << 2);
    let acc = load<f32>(p);
    for (let r = 1; r < rows; r++) {
      p += rowBytes;
      acc += load<f32>(p);
    }
    store<f32>(out + (<usize>j << 2), acc * scale);
  }
}
