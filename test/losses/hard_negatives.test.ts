import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { sampleHardNegatives } from '../../lib/losses';
import { expectNoLeak } from '../helpers';

describe('losses/sampleHardNegatives', () => {
  // cosines of unit-norm embeddings, as the ITM objectives pass them
  const sim = [
    [0.9, 0.3, 0.1, 0.0],
    [0.1, 0.8, 0.3, 0.25],
    [0.2, -0.05, 0.7, 0.15],
    [0.0, 0.05, 0.1, 0.6],
  ];
  const S = 1 / 0.07; // CLIP's initial logit scale, ALBEF's temp 0.07

  /** Counts [B, B] of the negative drawn per row over seeds 0..draws−1. */
  function drawCounts(logitScale: number, draws: number): number[][] {
    const counts = sim.map(() => new Array<number>(sim.length).fill(0));
    for (let seed = 0; seed < draws; seed++) sampleHardNegatives({ similarity: sim, logitScale, seed }).forEach((j, i) => counts[i][j]++);
    return counts;
  }

  /** ALBEF's probabilities: softmax(s · cos) over the row, diagonal zeroed and renormalised. */
  function expected(logitScale: number): number[][] {
    return sim.map((row, i) => {
      const w = row.map((v, j) => (j === i ? 0 : Math.exp(logitScale * v)));
      const total = w.reduce((a, b) => a + b, 0);
      return w.map((x) => x / total);
    });
  }

  /** Pearson χ² of the counts of each row against the expected probabilities (B−2 = 2 dof per row). */
  function chiSquare(counts: number[][], p: number[][], draws: number): number[] {
    return counts.map((row, i) => row.reduce((chi, c, j) => (j === i ? chi : chi + (c - draws * p[i][j]) ** 2 / (draws * p[i][j])), 0));
  }

  it('draws j ≠ i with probability softmax(s · cos) for the given logit scale (χ² test per row)', () => {
    const draws = 3000;
    for (const s of [S, 3]) {
      const counts = drawCounts(s, draws);
      counts.forEach((row, i) => expect(row[i], `s=${s} row ${i} drew itself`).to.equal(0));
      // χ²(2) > 13.8 has probability 1e-3; at s = 1/0.07 a softmax(cos) draw scores χ² in the hundreds
      chiSquare(counts, expected(s), draws).forEach((chi, i) => expect(chi, `s=${s.toFixed(2)} row ${i}: counts ${counts[i]} vs p ${expected(s)[i].map((x) => x.toFixed(3))}`).to.be.below(13.8));
    }
  });

  it('the scale makes the draw hard: at s = 1/0.07 the most similar negative dominates, at s → 0 the draw is uniform', () => {
    const p = expected(S);
    // cos 0.3 vs 0.1 and 0.0: e^(0.3/0.07) ≈ 73× the last one (softmax(cos) alone would give 0.39)
    expect(p[0][1]).to.be.above(0.9);
    const counts = drawCounts(1e-6, 3000);
    chiSquare(counts, sim.map((_, i) => sim.map((__, j) => (j === i ? 0 : 1 / 3))), 3000).forEach((chi) => expect(chi).to.be.below(13.8));
  });

  it('refuses a missing or non-positive logit scale, naming it', () => {
    expect(() => sampleHardNegatives({ similarity: sim, seed: 0 } as never)).to.throw(/logitScale must be a positive finite number.*undefined/);
    expect(() => sampleHardNegatives({ similarity: sim, logitScale: 0, seed: 0 })).to.throw(/logitScale/);
  });

  it('is deterministic in the seed, takes a tensor too, and leaks nothing', async () => {
    const a = sampleHardNegatives({ similarity: sim, logitScale: S, seed: 7 });
    expect(sampleHardNegatives({ similarity: sim, logitScale: S, seed: 7 })).to.deep.equal(a);
    const differs = [8, 9, 10, 11, 12].some((s) => sampleHardNegatives({ similarity: sim, logitScale: S, seed: s }).join() !== a.join());
    expect(differs).to.equal(true);
    await expectNoLeak(() => {
      const t = tf.tensor2d(sim);
      expect(sampleHardNegatives({ similarity: t as tf.Tensor2D, logitScale: S, seed: 7 })).to.deep.equal(a);
      t.dispose();
    });
  });

  it('handles huge similarities, B = 2, and refuses B = 1 or a ragged matrix', () => {
    const huge = [[1000, -1000, 999], [5, 2000, 1990], [0, 1e4, 1e4]];
    for (let seed = 0; seed < 50; seed++) {
      const out = sampleHardNegatives({ similarity: huge, logitScale: 1, seed });
      expect(out[0]).to.equal(2); // exp(−1999) next to exp(0): index 1 is never drawn in practice
      expect(out[1]).to.equal(2);
      expect(out[2]).to.equal(1);
      expect(sampleHardNegatives({ similarity: [[0, 1], [1, 0]], logitScale: S, seed })).to.deep.equal([1, 0]);
    }
    expect(() => sampleHardNegatives({ similarity: [[1]], logitScale: 1, seed: 0 })).to.throw(/batch of 1 has no negative/);
    expect(() => sampleHardNegatives({ similarity: [[1, 2], [3]], logitScale: 1, seed: 0 })).to.throw(/\[B,B\].*row 1 has length 1/);
  });
});
