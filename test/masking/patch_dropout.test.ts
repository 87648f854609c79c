import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { patchDropout } from '../../lib/masking';
import { Rng } from '../../lib/random';
import { expectNoLeak } from '../helpers';
import { expectProportion } from './stats';

/** [B, L, D] tokens whose row (b, i) holds 1000*b + i + d/10, so rows are traceable. */
function traceable(B: number, L: number, D: number): tf.Tensor3D {
  const data = new Float32Array(B * L * D);
  for (let b = 0; b < B; b++) for (let i = 0; i < L; i++) for (let d = 0; d < D; d++) data[(b * L + i) * D + d] = 1000 * b + i + d / 10;
  return tf.tensor3d(data, [B, L, D]);
}

describe('masking/patchDropout', () => {
  it('keeps K = max(1, int(N * (1 - ratio))) distinct patch rows per sample, CLS first', async () => {
    const B = 3, N = 16, D = 4;
    for (const [ratio, K] of [[0.5, 8], [0.75, 4], [0, 16], [0.99, 1], [1, 1]]) {
      for (const hasCls of [false, true]) {
        const x = traceable(B, N + (hasCls ? 1 : 0), D);
        await expectNoLeak(() => {
          const out = patchDropout({ tokens: x, ratio, hasCls, seed: 1 });
          expect(out.tokens.shape).to.deep.equal([B, K + (hasCls ? 1 : 0), D]);
          expect(out.keepIndices.shape).to.deep.equal([B, K]);
          expect(out.keepIndices.dtype).to.equal('int32');
          const rows = out.tokens.arraySync();
          const keep = out.keepIndices.arraySync();
          for (let b = 0; b < B; b++) {
            expect(new Set(keep[b]).size).to.equal(K);
            for (const i of keep[b]) expect(i).to.be.within(0, N - 1);
            const expected = [...(hasCls ? [0] : []), ...keep[b].map((i) => i + (hasCls ? 1 : 0))];
            const got = rows[b].map((row) => Math.round(row[0] - 1000 * b));
            expect(got, `ratio ${ratio} cls ${hasCls} sample ${b}`).to.deep.equal(expected);
            rows[b].forEach((row, k) => row.forEach((v, d) => expect(v).to.be.closeTo(rows[b][k][0] + d / 10, 1e-3)));
          }
          tf.dispose([out.tokens, out.keepIndices]);
        });
        x.dispose();
      }
    }
  });

  it('is differentiable w.r.t. tokens (wasm here): weights reach kept rows, zero at dropped', async () => {
    const B = 2, N = 6, D = 3, L = N + 1;
    const x = traceable(B, L, D);
    const w = tf.randomNormal([B, 1 + 3, D], 0, 1, 'float32', 4) as tf.Tensor3D;
    await expectNoLeak(() => {
      const probe = patchDropout({ tokens: x, ratio: 0.5, hasCls: true, seed: 3 });
      const keepRows = probe.keepIndices.arraySync();
      tf.dispose([probe.tokens, probe.keepIndices]);
      // Gradient of sum(dropout(t) * weights) w.r.t. t, for fixed weights [B, 1+K, D].
      const gradFor = (weights: tf.Tensor3D) => tf.grad((t: tf.Tensor) => tf.tidy(() => {
        const out = patchDropout({ tokens: t as tf.Tensor3D, ratio: 0.5, hasCls: true, seed: 3 });
        out.keepIndices.dispose();
        return tf.sum(tf.mul(out.tokens, weights));
      }))(x);
      const allOnes = tf.onesLike(w);
      const [g, ones] = [gradFor(w), gradFor(allOnes)];
      allOnes.dispose();
      const [grad, unit, weights] = [g.arraySync() as number[][][], ones.arraySync() as number[][][], w.arraySync()];
      tf.dispose([g, ones]);
      for (let b = 0; b < B; b++) {
        const slot = new Map<number, number>([[0, 0], ...keepRows[b].map((p, k) => [p + 1, k + 1] as [number, number])]);
        for (let i = 0; i < L; i++) {
          const k = slot.get(i);
          for (let d = 0; d < D; d++) {
            expect(unit[b][i][d], `sum-loss grad [${b}, ${i}, ${d}]`).to.equal(k === undefined ? 0 : 1);
            expect(grad[b][i][d]).to.be.closeTo(k === undefined ? 0 : weights[b][k][d], 1e-6);
          }
        }
      }
    });
    tf.dispose([x, w]);
  });

  it('keeps every patch position equally often (4σ per position: 3σ Bonferroni over 8)', async () => {
    await expectNoLeak(() => {
      const B = 2000, N = 8;
      const x = tf.zeros([B, N, 1]) as tf.Tensor3D;
      const out = patchDropout({ tokens: x, ratio: 0.5, seed: 5 });
      const keep = out.keepIndices.arraySync();
      tf.dispose([x, out.tokens, out.keepIndices]);
      const counts = new Array(N).fill(0);
      keep.flat().forEach((i) => counts[i]++);
      counts.forEach((c, i) => expectProportion(c, B, 0.5, `position ${i}`, 4));
    });
  });

  it('is deterministic in the seed and advances a shared Rng', async () => {
    await expectNoLeak(() => {
      const x = tf.zeros([4, 16, 2]) as tf.Tensor3D;
      const keepOf = (seed: number | Rng) => {
        const out = patchDropout({ tokens: x, ratio: 0.5, seed });
        out.tokens.dispose();
        const k = out.keepIndices.arraySync();
        out.keepIndices.dispose();
        return k;
      };
      expect(keepOf(1)).to.deep.equal(keepOf(1));
      expect(keepOf(1)).to.not.deep.equal(keepOf(2));
      const rng = new Rng(3);
      expect(keepOf(rng)).to.not.deep.equal(keepOf(rng));
      x.dispose();
    });
  });

  it('rejects bad input with a message naming it', async () => {
    await expectNoLeak(() => {
      const flat = tf.zeros([2, 4]);
      const clsOnly = tf.zeros([2, 1, 4]);
      expect(() => patchDropout({ tokens: flat as unknown as tf.Tensor3D, ratio: 0.5, seed: 0 })).to.throw(/\[B, N, D\]/);
      expect(() => patchDropout({ tokens: clsOnly as tf.Tensor3D, ratio: 0.5, hasCls: true, seed: 0 })).to.throw(/no patch tokens/);
      expect(() => patchDropout({ tokens: clsOnly as tf.Tensor3D, ratio: -0.1, seed: 0 })).to.throw(/ratio/);
      tf.dispose([flat, clsOnly]);
    });
  });
});
