/**
 * Eigenvalues and singular values of small dense matrices in float64 JS (tfjs has no SVD or
 * eigendecomposition that runs on wasm), and the effective rank built on them.
 */

/**
 * Eigenvalues (descending) of the symmetric `n × n` row-major matrix `a0` (not modified):
 * Householder reduction to tridiagonal form, then implicit QL (Numerical Recipes 3rd ed. §11.3–11.4,
 * tred2 without eigenvectors + tqli). About (2/3)·n³ flops: ~1 s for n = 512 in Node, where cyclic
 * Jacobi needs ~20 s.
 */
export function symmetricEigenvalues(a0: ArrayLike<number>, n: number): Float64Array {
  if (a0.length !== n * n) throw new Error(`symmetricEigenvalues: got ${a0.length} values for a ${n}×${n} matrix`);
  const a = Float64Array.from(a0);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  for (let i = n - 1; i > 0; i--) {
    const l = i - 1;
    let h = 0;
    if (l > 0) {
      let scale = 0;
      for (let k = 0; k <= l; k++) scale += Math.abs(a[i * n + k]);
      if (scale === 0) {
        e[i] = a[i * n + l];
      } else {
        for (let k = 0; k <= l; k++) {
          a[i * n + k] /= scale;
          h += a[i * n + k] * a[i * n + k];
        }
        let f = a[i * n + l];
        let g = f >= 0 ? -Math.sqrt(h) : Math.sqrt(h);
        e[i] = scale * g;
        h -= f * g;
        a[i * n + l] = f - g;
        f = 0;
        for (let j = 0; j <= l; j++) {
          g = 0;
          for (let k = 0; k <= j; k++) g += a[j * n + k] * a[i * n + k];
          for (let k = j + 1; k <= l; k++) g += a[k * n + j] * a[i * n + k];
          e[j] = g / h;
          f += e[j] * a[i * n + j];
        }
        const hh = f / (h + h);
        for (let j = 0; j <= l; j++) {
          f = a[i * n + j];
          e[j] = g = e[j] - hh * f;
          for (let k = 0; k <= j; k++) a[j * n + k] -= f * e[k] + g * a[i * n + k];
        }
      }
    } else {
      e[i] = a[i * n + l];
    }
    d[i] = h;
  }
  for (let i = 0; i < n; i++) d[i] = a[i * n + i]; // tridiagonal diagonal; e holds the off-diagonal
  // Implicit QL with Wilkinson shifts on the tridiagonal (d, e).
  for (let i = 1; i < n; i++) e[i - 1] = e[i];
  e[n - 1] = 0;
  for (let l = 0; l < n; l++) {
    let iter = 0;
    let m: number;
    do {
      for (m = l; m < n - 1; m++) {
        const dd = Math.abs(d[m]) + Math.abs(d[m + 1]);
        if (Math.abs(e[m]) <= Number.EPSILON * dd) break;
      }
      if (m !== l) {
        if (iter++ === 60) throw new Error('symmetricEigenvalues: QL did not converge');
        let g = (d[l + 1] - d[l]) / (2 * e[l]);
        let r = Math.hypot(g, 1);
        g = d[m] - d[l] + e[l] / (g + (g >= 0 ? Math.abs(r) : -Math.abs(r)));
        let s = 1;
        let c = 1;
        let p = 0;
        let i: number;
        for (i = m - 1; i >= l; i--) {
          const f = s * e[i];
          const b = c * e[i];
          e[i + 1] = r = Math.hypot(f, g);
          if (r === 0) {
            d[i + 1] -= p;
            e[m] = 0;
            break;
          }
          s = f / r;
          c = g / r;
          g = d[i + 1] - p;
          r = (d[i] - g) * s + 2 * c * b;
          d[i + 1] = g + (p = s * r);
          g = c * r - b;
        }
        if (r === 0 && i >= l) continue;
        d[l] -= p;
        e[l] = g;
        e[m] = 0;
      }
    } while (m !== l);
  }
  return d.sort().reverse();
}

/**
 * Singular values (descending) of the row-major `rows × cols` matrix `x`, via the eigenvalues of
 * the smaller Gram matrix (XᵀX or XXᵀ) accumulated in float64.
 */
export function singularValues(x: ArrayLike<number>, rows: number, cols: number): Float64Array {
  if (x.length !== rows * cols) throw new Error(`singularValues: got ${x.length} values for [${rows}, ${cols}]`);
  const byCols = cols <= rows; // Gram over the smaller side
  const n = byCols ? cols : rows;
  const G = new Float64Array(n * n);
  if (byCols) {
    for (let i = 0; i < rows; i++) {
      const o = i * cols;
      for (let a = 0; a < cols; a++) {
        const xa = x[o + a];
        if (xa === 0) continue;
        for (let b = a; b < cols; b++) G[a * n + b] += xa * x[o + b];
      }
    }
  } else {
    for (let a = 0; a < rows; a++) {
      for (let b = a; b < rows; b++) {
        let s = 0;
        for (let k = 0; k < cols; k++) s += x[a * cols + k] * x[b * cols + k];
        G[a * n + b] = s;
      }
    }
  }
  for (let a = 0; a < n; a++) for (let b = a + 1; b < n; b++) G[b * n + a] = G[a * n + b];
  return symmetricEigenvalues(G, n).map((l) => Math.sqrt(Math.max(l, 0)));
}

/** Roy & Vetterli (2007) effective rank: exp of the entropy of the normalised singular values. */
export function effectiveRankOf(singular: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < singular.length; i++) sum += singular[i];
  if (!(sum > 0)) return 0;
  let h = 0;
  for (let i = 0; i < singular.length; i++) {
    const p = singular[i] / sum;
    if (p > 0) h -= p * Math.log(p);
  }
  return Math.exp(h);
}
