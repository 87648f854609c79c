import { expect } from 'chai';
import { bootstrapMean, differenceRuns, excludesZero, tQuantile975 } from '../../lib/stats';

/** n Bernoulli items with exactly k ones, in a fixed scattered order. */
function bernoulli(n: number, k: number, offset = 0): number[] {
  return Array.from({ length: n }, (_, i) => ((i * 7 + offset) % n < k ? 1 : 0));
}

describe('stats/bootstrap', () => {
  it('the interval of a mean of n Bernoulli items is close to the normal interval p ± 1.96·sqrt(p(1−p)/n)', () => {
    const items = bernoulli(400, 120);
    const iv = bootstrapMean([{ value: 0.3, items }], 'r5');
    const half = 1.96 * Math.sqrt((0.3 * 0.7) / 400); // 0.0449
    expect(iv.mean).to.be.closeTo(0.3, 1e-12);
    expect(iv.n).to.equal(400);
    expect(iv.over).to.equal('items');
    expect(iv.std).to.be.closeTo(Math.sqrt((0.3 * 0.7 * 400) / 399), 1e-12);
    expect(iv.ci95![0]).to.be.closeTo(0.3 - half, 0.006);
    expect(iv.ci95![1]).to.be.closeTo(0.3 + half, 0.006);
  });

  it('is deterministic: the same record gives the same interval', () => {
    const items = bernoulli(200, 50);
    expect(bootstrapMean([{ value: 0.25, items }], 'a')).to.deep.equal(bootstrapMean([{ value: 0.25, items }], 'b'));
    const other = bootstrapMean([{ value: 0.25, items }], 'c', { seed: 7 });
    expect(other.ci95).to.not.deep.equal(bootstrapMean([{ value: 0.25, items }], 'd').ci95);
  });

  it('the paired difference of identical arms is exactly 0 with a zero-width interval', () => {
    const runs = [{ value: 0.3, items: bernoulli(100, 30) }, { value: 0.4, items: bernoulli(100, 40, 3) }];
    const iv = bootstrapMean(differenceRuns(runs, runs, 'same'), 'same');
    expect(iv.mean).to.equal(0);
    expect(iv.ci95).to.deep.equal([0, 0]);
    expect(iv.over).to.equal('items+seeds');
    expect(excludesZero(iv.ci95)).to.equal(false);
  });

  it('pairs items: a small consistent gain is significant though the two arms\' own intervals overlap', () => {
    const b = bernoulli(300, 90);
    const a = b.map((v, i) => (v === 0 && i % 10 === 0 ? 1 : v)); // a few more hits, never fewer
    const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
    const ia = bootstrapMean([{ value: mean(a), items: a }], 'a');
    const ib = bootstrapMean([{ value: mean(b), items: b }], 'b');
    expect(ia.ci95![0]).to.be.lessThan(ib.ci95![1]);
    const d = bootstrapMean(differenceRuns([{ value: mean(a), items: a }], [{ value: mean(b), items: b }], 'a-b'), 'a-b');
    expect(d.mean).to.be.closeTo(mean(a) - mean(b), 1e-12);
    expect(excludesZero(d.ci95)).to.equal(true);
    // pairing removes the item-to-item variance the two arms share: the difference is far narrower
    expect(d.ci95![1] - d.ci95![0]).to.be.lessThan(0.6 * (ib.ci95![1] - ib.ci95![0]));
  });

  it('resamples seeds too: two seeds with constant items 0.2 and 0.4 give replicate means 0.2, 0.3, 0.4 (¼, ½, ¼)', () => {
    const iv = bootstrapMean([{ value: 0.2, items: Array(50).fill(0.2) }, { value: 0.4, items: Array(50).fill(0.4) }], 'two seeds');
    expect(iv).to.include({ n: 100, seeds: 2, over: 'items+seeds' });
    expect(iv.mean).to.be.closeTo(0.3, 1e-12);
    expect(iv.ci95![0]).to.be.closeTo(0.2, 1e-12);
    expect(iv.ci95![1]).to.be.closeTo(0.4, 1e-12);
  });

  it('metrics without items: a t-interval over seeds; none for one seed', () => {
    const iv = bootstrapMean([{ value: 1 }, { value: 2 }, { value: 3 }], 'erank');
    expect(iv).to.include({ mean: 2, std: 1, n: 3, seeds: 3, over: 'seeds' });
    const half = tQuantile975(2) / Math.sqrt(3);
    expect(iv.ci95![0]).to.be.closeTo(2 - half, 1e-12);
    expect(iv.ci95![1]).to.be.closeTo(2 + half, 1e-12);
    expect(bootstrapMean([{ value: 5 }], 'one')).to.deep.equal({ mean: 5, std: 0, n: 1, seeds: 1, ci95: null, over: 'none' });
  });

  it('names the metric when seeds disagree on the item count', () => {
    expect(() => bootstrapMean([{ value: 0, items: [0, 1] }, { value: 0, items: [1] }], 'retrieval/in/t2i_r5')).to.throw(/retrieval\/in\/t2i_r5.*seed 1 has 1 items, seed 0 has 2/);
    expect(() => differenceRuns([{ value: 0, items: [0, 1] }], [{ value: 0, items: [1] }], 'x')).to.throw(/x.*2 items against 1/);
  });
});
