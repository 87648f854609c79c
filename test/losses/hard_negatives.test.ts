import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { sampleHardNegatives } from '../../lib/losses';
import { expectNoLeak } from '../helpers';

describe('losses/sampleHardNegatives', () => {
  const sim = [
    [5.0, 1.0, 0.0, -1.0],
    [0.5, 3.0, 0.5, 1.5],
    [2.0, -2.0, 4.0, 0.0],
    [0.0, 0.0, 0.0, 9.0],
  ];

  it('never returns the row index and follows softmax of the off-diagonal similarities within 3σ', () => {
    const draws = 4000;
    const counts = sim.map(() => new Array(sim.length).fill(0));
    for (let seed = 0; seed < draws; seed++) {
      sampleHardNegatives({ similarity: sim, seed }).forEach((j, i) => counts[i][j]++);
    }
    sim.forEach((row, i) => {
      expect(counts[i][i], `row ${i} drew itself`).to.equal(0);
      const weights = row.map((v, j) => (j === i ? 0 : Math.exp(v)));
      const total = weights.reduce((a, b) => a + b, 0);
      weights.forEach((w, j) => {
        if (j === i) return;
        const p = w / total;
        const sd = Math.sqrt(draws * p * (1 - p));
        expect(Math.abs(counts[i][j] - draws * p), `row ${i} col ${j}: ${counts[i][j]} vs ${(draws * p).toFixed(1)}`).to.be.at.most(3 * sd);
      });
    });
  });

  it('is deterministic in the seed, takes a tensor too, and leaks nothing', async () => {
    const a = sampleHardNegatives({ similarity: sim, seed: 7 });
    expect(sampleHardNegatives({ similarity: sim, seed: 7 })).to.deep.equal(a);
    const differs = [8, 9, 10, 11, 12].some((s) => sampleHardNegatives({ similarity: sim, seed: s }).join() !== a.join());
    expect(differs).to.equal(true);
    await expectNoLeak(() => {
      const t = tf.tensor2d(sim);
      expect(sampleHardNegatives({ similarity: t as tf.Tensor2D, seed: 7 })).to.deep.equal(a);
      t.dispose();
    });
  });

  it('handles huge similarities, B = 2, and refuses B = 1 or a ragged matrix', () => {
    const huge = [[1000, -1000, 999], [5, 2000, 1990], [0, 1e4, 1e4]];
    for (let seed = 0; seed < 50; seed++) {
      const out = sampleHardNegatives({ similarity: huge, seed });
      expect(out[0]).to.equal(2); // exp(−1999) next to exp(0): index 1 is never drawn in practice
      expect(out[1]).to.equal(2);
      expect(out[2]).to.equal(1);
      expect(sampleHardNegatives({ similarity: [[0, 1], [1, 0]], seed })).to.deep.equal([1, 0]);
    }
    expect(() => sampleHardNegatives({ similarity: [[1]], seed: 0 })).to.throw(/batch of 1 has no negative/);
    expect(() => sampleHardNegatives({ similarity: [[1, 2], [3]], seed: 0 })).to.throw(/\[B,B\].*row 1 has length 1/);
  });
});
