import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { diagnostics, effectiveRankOf, singularValues, symmetricEigenvalues, uniformity } from '../../lib/eval';
import { Rng } from '../../lib/random';
import { expectNoLeak } from '../helpers';
import { randomRows } from './fixtures';
import { jacobiEigenvalues } from './jacobi_reference';

describe('eval/diagnostics', () => {
  it('alignment is 0 for identical pairs, and so is the modality gap', async () => {
    const x = randomRows(20, 8, 1);
    const r = await expectNoLeak(() => diagnostics({ imageEmb: x, textEmb: x }));
    expect(r.alignment).to.be.closeTo(0, 1e-6);
    expect(r.modalityGap).to.be.closeTo(0, 1e-6);
    expect(r.uniformityImage).to.be.closeTo(r.uniformityText, 1e-6);
    expect(r.effectiveRankImage).to.be.closeTo(r.effectiveRankText, 1e-6);
  });

  it('the modality gap of shifted embeddings equals the shift norm', async () => {
    // On the sphere: x = (a, b·u, 0), y = (0, b·u, a) = x + (−a, 0, a) with a² + b² = 1.
    const rng = new Rng(2);
    const [a, b] = [0.6, 0.8];
    const us = Array.from({ length: 30 }, () => {
      const u = [rng.normal(), rng.normal(), rng.normal()];
      const n = Math.hypot(...u);
      return u.map((v) => (b * v) / n);
    });
    const imageEmb = us.map((u) => [a, ...u, 0]);
    const textEmb = us.map((u) => [0, ...u, a]);
    const r = await expectNoLeak(() => diagnostics({ imageEmb, textEmb }));
    expect(r.modalityGap).to.be.closeTo(a * Math.SQRT2, 1e-5);
    expect(r.alignment).to.be.closeTo(2 * a * a, 1e-5); // every pair is exactly the shift apart
    // Unnormalised: any shift s gives gap ‖s‖ and alignment ‖s‖².
    const x = randomRows(25, 4, 3);
    const s = [0.3, -1.2, 0.4, 2];
    const raw = await diagnostics({ imageEmb: x, textEmb: x.map((r) => r.map((v, k) => v + s[k])), normalize: false });
    expect(raw.modalityGap).to.be.closeTo(Math.hypot(...s), 1e-4);
    expect(raw.alignment).to.be.closeTo(s.reduce((t, v) => t + v * v, 0), 1e-4);
  });

  it('paired rows follow textToImage (two captions per image)', async () => {
    const img = [[1, 0], [0, 1]];
    const txt = [[1, 0], [1, 0], [0, 1], [1, 0]]; // last caption of image 1 points at image 0: ‖(1,-1)‖² = 2
    const r = await diagnostics({ imageEmb: img, textEmb: txt, textToImage: [0, 0, 1, 1] });
    expect(r.alignment).to.be.closeTo(2 / 4, 1e-6);
  });

  it('uniformity: −4 for an orthonormal frame, −8 for two antipodal points', async () => {
    const frame = tf.eye(6) as tf.Tensor2D;
    const two = tf.tensor2d([[0, 1], [0, -1]]);
    await expectNoLeak(async () => {
      expect(await uniformity(frame, 4)).to.be.closeTo(-4, 1e-5); // ‖eᵢ − eⱼ‖² = 2 -> log e^{−4}
      expect(await uniformity(two)).to.be.closeTo(-8, 1e-5);
    });
    tf.dispose([frame, two]);
  });

  it('uniformity streams over chunks: same value for any chunk size, equal to a direct sum', async () => {
    const rows = randomRows(23, 5, 4);
    const x = tf.tensor2d(rows);
    let direct = 0;
    for (let i = 0; i < 23; i++) for (let j = 0; j < 23; j++) {
      if (i !== j) direct += Math.exp(-2 * rows[i].reduce((s, v, k) => s + (v - rows[j][k]) ** 2, 0));
    }
    const ref = Math.log(direct / (23 * 22));
    for (const chunk of [1, 5, 23, 100]) expect(await uniformity(x, chunk)).to.be.closeTo(ref, 1e-4);
    x.dispose();
  });

  it('effective rank: an orthonormal k-frame gives k, rank-1 data gives 1', async () => {
    const k = 5;
    const D = 16;
    const frameRows = Array.from({ length: k }, (_, i) => Array.from({ length: D }, (_, j) => (j === i ? 1 : 0)));
    const rng = new Rng(5);
    const v = Array.from({ length: D }, () => rng.normal());
    const rank1 = Array.from({ length: 40 }, () => {
      const c = rng.normal();
      return v.map((x) => c * x);
    });
    const r = await expectNoLeak(() => diagnostics({ imageEmb: frameRows, textEmb: rank1.slice(0, k), normalize: false }));
    expect(r.effectiveRankImage).to.be.closeTo(k, 1e-6);
    expect(r.effectiveRankText).to.be.closeTo(1, 1e-4);
    const big = await diagnostics({ imageEmb: rank1, textEmb: rank1, normalize: true });
    expect(big.effectiveRankImage).to.be.closeTo(1, 1e-4);
  });

  it('eigenvalues: a 2×2 case, and trace / Frobenius invariants of a random 40×40', () => {
    const e2 = symmetricEigenvalues([2, 1, 1, 2], 2);
    expect(e2[0]).to.be.closeTo(3, 1e-12);
    expect(e2[1]).to.be.closeTo(1, 1e-12);
    const n = 40;
    const rng = new Rng(6);
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = i; j < n; j++) A[i * n + j] = A[j * n + i] = rng.normal();
    const eig = symmetricEigenvalues(A, n);
    let trace = 0;
    let fro = 0;
    for (let i = 0; i < n; i++) trace += A[i * n + i];
    for (const v of A) fro += v * v;
    expect(eig.reduce((s, v) => s + v, 0)).to.be.closeTo(trace, 1e-9);
    expect(eig.reduce((s, v) => s + v * v, 0)).to.be.closeTo(fro, 1e-8);
    for (let i = 1; i < n; i++) expect(eig[i]).to.be.at.most(eig[i - 1]);
    const ref = jacobiEigenvalues(A, n); // independent algorithm
    for (let i = 0; i < n; i++) expect(eig[i]).to.be.closeTo(ref[i], 1e-10);
    expect(Array.from(symmetricEigenvalues([4], 1))).to.deep.equal([4]);
  });

  it('eigenvalues recover a known spectrum: H diag(λ) H with a Householder reflection H', () => {
    const n = 12;
    const rng = new Rng(9);
    const v = Array.from({ length: n }, () => rng.normal());
    const vv = v.reduce((s, x) => s + x * x, 0);
    const H = (i: number, j: number) => (i === j ? 1 : 0) - (2 * v[i] * v[j]) / vv; // orthogonal, symmetric
    const lambda = Array.from({ length: n }, (_, i) => (i - 4) * 1.5); // includes negatives and 0
    const A = new Float64Array(n * n);
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += H(i, k) * lambda[k] * H(k, j);
      A[i * n + j] = s;
    }
    const eig = symmetricEigenvalues(A, n);
    const want = lambda.slice().sort((a, b) => b - a);
    for (let i = 0; i < n; i++) expect(eig[i]).to.be.closeTo(want[i], 1e-10);
  });

  it('singular values agree whichever side the Gram matrix is formed on', () => {
    const rows = randomRows(7, 3, 8).flat();
    const tall = singularValues(rows, 7, 3); // XᵀX, 3×3
    // Transpose to [3, 7]: XXᵀ is then 3×3 as well; same singular values.
    const t = Array.from({ length: 21 }, (_, idx) => rows[(idx % 7) * 3 + Math.floor(idx / 7)]);
    const wide = singularValues(t, 3, 7);
    for (let i = 0; i < 3; i++) expect(wide[i]).to.be.closeTo(tall[i], 1e-9);
    expect(effectiveRankOf([1, 1, 1, 0])).to.be.closeTo(3, 1e-12);
    expect(effectiveRankOf([0, 0])).to.equal(0);
  });
});
