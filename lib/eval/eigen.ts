/**
 * Eigenvalues of a small symmetric matrix by cyclic Jacobi rotations, in float64 JS.
 * tfjs has no SVD/eig that works on wasm; for D ≤ 512 this takes well under seconds-to-a-few.
 */

/**
 * Eigenvalues (descending) of the symmetric `n × n` row-major matrix `a` (not modified).
 * Converges when the off-diagonal Frobenius norm falls below `tol` × the matrix's norm.
 */
export function symmetricEigenvalues(a: ArrayLike<number>, n: number, tol = 1e-13, maxSweeps = 60): Float64Array {
  if (a.length !== n * n) throw new Error(`symmetricEigenvalues: got ${a.length} values for a ${n}×${n} matrix`);
  const A = Float64Array.from(a);
  let total = 0;
  for (let i = 0; i < n * n; i++) total += A[i] * A[i];
  const stop = tol * tol * total;
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * A[p * n + q] * A[p * n + q];
    if (off <= stop) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        rotate(A, n, p, q, apq);
      }
    }
  }
  const eig = new Float64Array(n);
  for (let i = 0; i < n; i++) eig[i] = A[i * n + i];
  return eig.sort().reverse();
}

/** A ← Pᵀ A P with the rotation P in the (p, q) plane that zeroes A[p, q] (Numerical Recipes §11.1). */
function rotate(A: Float64Array, n: number, p: number, q: number, apq: number): void {
  const theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
  const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
  const c = 1 / Math.sqrt(t * t + 1);
  const s = t * c;
  for (let k = 0; k < n; k++) {
    // columns p, q
    const akp = A[k * n + p];
    const akq = A[k * n + q];
    A[k * n + p] = c * akp - s * akq;
    A[k * n + q] = s * akp + c * akq;
  }
  for (let k = 0; k < n; k++) {
    // rows p, q
    const apk = A[p * n + k];
    const aqk = A[q * n + k];
    A[p * n + k] = c * apk - s * aqk;
    A[q * n + k] = s * apk + c * aqk;
  }
  A[p * n + q] = 0; // exactly zero what the rotation zeroes up to rounding
  A[q * n + p] = 0;
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
