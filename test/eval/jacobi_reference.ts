/**
 * Reference eigenvalues by cyclic Jacobi rotations (Numerical Recipes §11.1): slow but simple,
 * an independent check on lib/eval/eigen.ts's Householder + QL.
 */
export function jacobiEigenvalues(a: ArrayLike<number>, n: number, tol = 1e-14, maxSweeps = 60): Float64Array {
  const A = Float64Array.from(a);
  let total = 0;
  for (let i = 0; i < n * n; i++) total += A[i] * A[i];
  for (let sweep = 0; sweep < maxSweeps; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += 2 * A[p * n + q] ** 2;
    if (off <= tol * tol * total) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = A[p * n + q];
        if (apq === 0) continue;
        // A <- Pᵀ A P, P the rotation in the (p, q) plane that zeroes A[p, q].
        const theta = (A[q * n + q] - A[p * n + p]) / (2 * apq);
        const t = (theta >= 0 ? 1 : -1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const [akp, akq] = [A[k * n + p], A[k * n + q]];
          A[k * n + p] = c * akp - s * akq;
          A[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const [apk, aqk] = [A[p * n + k], A[q * n + k]];
          A[p * n + k] = c * apk - s * aqk;
          A[q * n + k] = s * apk + c * aqk;
        }
      }
    }
  }
  return Float64Array.from({ length: n }, (_, i) => A[i * n + i]).sort().reverse();
}
