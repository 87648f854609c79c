import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { chanceRecall, retrievalSamples, retrieval } from '../../lib/eval';
import { expectNoLeak } from '../helpers';
import { fromSimilarities, identity, randomRows } from './fixtures';

/** Brute-force reference: sort every query's similarities, ties against the model. */
function naiveRanks(sims: number[][], correct: (q: number, g: number) => boolean): number[] {
  return sims.map((row, q) => {
    const best = Math.max(...row.filter((_, g) => correct(q, g)));
    return 1 + row.filter((s, g) => !correct(q, g) && s >= best).length;
  });
}

describe('eval/retrieval', () => {
  it('identity embeddings retrieve perfectly: R@1 = 1, mean and median rank 1', async () => {
    const r = await expectNoLeak(() => retrieval({ imageEmb: identity(8), textEmb: identity(8) }));
    for (const dir of [r.i2t, r.t2i]) {
      expect(dir.recall[1]).to.equal(1);
      expect(dir.meanRank).to.equal(1);
      expect(dir.medianRank).to.equal(1);
    }
  });

  it('a reversed order gives rank N − i for query i, both ways', async () => {
    const N = 12;
    // sim(image i, caption j) = j + 0.1 i: every image prefers the last caption, every caption the last image.
    const sims = Array.from({ length: N }, (_, i) => Array.from({ length: N }, (_, j) => j + 0.1 * i));
    const r = await expectNoLeak(() => retrieval({ ...fromSimilarities(sims), normalize: false, chunkSize: 5 }));
    const expected = Array.from({ length: N }, (_, i) => N - i);
    expect(Array.from(r.i2t.ranks)).to.deep.equal(expected);
    expect(Array.from(r.t2i.ranks)).to.deep.equal(expected);
    for (const dir of [r.i2t, r.t2i]) {
      expect(dir.recall[1]).to.be.closeTo(1 / 12, 1e-12);
      expect(dir.recall[5]).to.be.closeTo(5 / 12, 1e-12);
      expect(dir.recall[10]).to.be.closeTo(10 / 12, 1e-12);
      expect(dir.meanRank).to.equal(6.5);
      expect(dir.medianRank).to.equal(6.5);
    }
  });

  it('several captions per image: an image→text hit is any of its captions (hand-computed)', async () => {
    const sims = [
      [0.1, 0.9, 0.5, 0.3, 0.2, 0.8], // image 0 owns captions 0, 1: best 0.9 -> rank 1
      [0.7, 0.6, 0.4, 0.1, 0.9, 0.3], // image 1 owns 2, 3: best 0.4, beaten by 0.7, 0.6, 0.9 -> rank 4
      [0.2, 0.3, 0.8, 0.9, 0.1, 0.25], // image 2 owns 4, 5: best 0.25, beaten by 0.3, 0.8, 0.9 -> rank 4
    ];
    const r = await expectNoLeak(() =>
      retrieval({ ...fromSimilarities(sims), textToImage: [0, 0, 1, 1, 2, 2], normalize: false, ks: [1, 2, 3, 5] }));
    expect(Array.from(r.i2t.ranks)).to.deep.equal([1, 4, 4]);
    expect(r.i2t.recall).to.deep.equal({ 1: 1 / 3, 2: 1 / 3, 3: 1 / 3, 5: 1 });
    expect(r.i2t.meanRank).to.equal(3);
    expect(r.i2t.medianRank).to.equal(4);
    // Columns: caption 1 ranks its image first (0.9); every other caption has two images above its own.
    expect(Array.from(r.t2i.ranks)).to.deep.equal([3, 1, 3, 3, 3, 3]);
    expect(r.t2i.recall[1]).to.be.closeTo(1 / 6, 1e-12);
    expect(r.t2i.recall[3]).to.equal(1);
    expect(r.t2i.meanRank).to.be.closeTo(16 / 6, 1e-12);
    expect(r.t2i.medianRank).to.equal(3);
  });

  it('matches a brute-force sort on random data, chunked', async () => {
    const N = 37;
    const M = 74;
    const textToImage = Array.from({ length: M }, (_, j) => (j * 7) % N);
    const img = randomRows(N, 6, 1);
    const txt = randomRows(M, 6, 2);
    const r = await expectNoLeak(() =>
      retrieval({ imageEmb: img, textEmb: txt, textToImage, normalize: false, chunkSize: 9 }));
    const sims = img.map((a) => txt.map((b) => a.reduce((s, v, k) => s + v * b[k], 0)));
    const simsT = txt.map((_, j) => sims.map((row) => row[j]));
    // Float32 matmul vs float64 dots can reorder near-ties: allow a rank off by one in a rare case.
    const off = (a: ArrayLike<number>, b: number[]) => Array.from(a).filter((v, i) => v !== b[i]).length;
    expect(off(r.i2t.ranks, naiveRanks(sims, (i, j) => textToImage[j] === i))).to.be.at.most(1);
    expect(off(r.t2i.ranks, naiveRanks(simsT, (j, i) => textToImage[j] === i))).to.be.at.most(1);
  });

  it('random embeddings give R@k ≈ k/N and mean rank ≈ (N+1)/2', async () => {
    const N = 300;
    const r = await expectNoLeak(() => retrieval({ imageEmb: randomRows(N, 32, 3), textEmb: randomRows(N, 32, 4) }));
    for (const dir of [r.i2t, r.t2i]) {
      // binomial sd of R@10 is sqrt(p(1-p)/N) ≈ 0.010; mean rank sd ≈ 86.6/sqrt(300) ≈ 5
      expect(dir.recall[10]).to.be.closeTo(10 / N, 0.035);
      expect(dir.recall[1]).to.be.below(0.02);
      expect(dir.meanRank).to.be.closeTo((N + 1) / 2, 25);
    }
  });

  it('ties count against the model: collapsed embeddings get the worst rank', async () => {
    const same = Array.from({ length: 5 }, () => [1, 2, 3]);
    const r = await retrieval({ imageEmb: same, textEmb: same });
    expect(r.i2t.recall[1]).to.equal(0);
    expect(r.i2t.meanRank).to.equal(5);
    expect(r.t2i.medianRank).to.equal(5);
  });

  it('takes tensors and flat arrays, does not dispose the caller\'s tensors, handles N = M = 1200', async function () {
    this.timeout(60000);
    const N = 1200;
    const img = tf.randomNormal([N, 64], 0, 1, 'float32', 5);
    const noise = tf.randomNormal([N, 64], 0, 0.3, 'float32', 6);
    const txt = img.add(noise);
    const data = await txt.data();
    try {
      const t0 = Date.now();
      const a = await expectNoLeak(() => retrieval({ imageEmb: img, textEmb: txt }));
      const ms = Date.now() - t0;
      const b = await expectNoLeak(() => retrieval({ imageEmb: img, textEmb: { data, shape: [N, 64] }, chunkSize: 1000 }));
      expect(a.i2t.recall[10]).to.be.above(0.9); // near-duplicates retrieve each other
      expect(Array.from(a.t2i.ranks)).to.deep.equal(Array.from(b.t2i.ranks));
      expect(img.isDisposed).to.equal(false);
      console.log(`      retrieval N = M = ${N}, D = 64: ${ms} ms`);
    } finally {
      tf.dispose([img, noise, txt]);
    }
  });

  it('names the argument and shapes on bad input, and rejects NaN', async () => {
    await expectNoLeak(async () => {
      const bad = (p: Promise<unknown>) => p.then(() => { throw new Error('no throw'); }, (e: Error) => e.message);
      expect(await bad(retrieval({ imageEmb: identity(3), textEmb: [[1, 0], [0, 1], [1, 1]] })))
        .to.match(/imageEmb \[3,3\].*textEmb \[3,2\]/);
      expect(await bad(retrieval({ imageEmb: identity(3), textEmb: identity(3), textToImage: [0, 1, 3] })))
        .to.match(/textToImage\[2\] = 3/);
      expect(await bad(retrieval({ imageEmb: identity(3), textEmb: identity(3).slice(0, 2).map((r) => r.slice()) })))
        .to.match(/textToImage is required/);
      expect(await bad(retrieval({ imageEmb: [[1, NaN], [0, 1]], textEmb: [[1, 0], [0, 1]] })))
        .to.match(/imageEmb.*NaN/);
    });
  });

  it('as samples: items per query (i2t per image, t2i per caption), exact chance levels, median without items', async () => {
    // 3 images, image 0 with 2 captions; identity-like embeddings retrieve perfectly
    const imageEmb = [[1, 0, 0], [0, 1, 0], [0, 0, 1]];
    const textEmb = [[1, 0, 0], [1, 0.01, 0], [0, 1, 0], [0, 0, 1]];
    const s = retrievalSamples(await retrieval({ imageEmb, textEmb, textToImage: [0, 0, 1, 2] }));
    expect(s.i2t_r1.items).to.deep.equal([1, 1, 1]);
    expect(s.t2i_r1.items).to.deep.equal([1, 1, 1, 1]);
    expect(s.t2i_r1.chance).to.be.closeTo(1 / 3, 1e-12);
    // i2t at k = 1 among 4 captions: image 0 has 2 correct (1/2), images 1, 2 one each (1/4)
    expect(s.i2t_r1.chance).to.be.closeTo((1 / 2 + 1 / 4 + 1 / 4) / 3, 1e-12);
    expect(s.t2i_r5.chance).to.equal(1); // k ≥ N
    expect(s.t2i_mean_rank).to.deep.include({ value: 1, chance: 2, higherIsBetter: false });
    expect(s.i2t_median_rank).to.deep.equal({ value: 1, higherIsBetter: false });
    expect(chanceRecall(2, 1, 10)).to.be.closeTo(0.2, 1e-12);
    expect(chanceRecall(2, 2, 4)).to.be.closeTo(1 - (2 / 4) * (1 / 3), 1e-12);
  });
});
