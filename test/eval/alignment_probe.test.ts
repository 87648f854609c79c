import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { fitAlignmentProbe, retrieval } from '../../lib/eval';
import { Rng } from '../../lib/random';
import { expectNoLeak } from '../helpers';

/** `[n, d]` rows: a shared latent z [n, 4] through a fixed random linear map to d dims, plus noise. */
function views(z: number[][], d: number, rng: Rng, noise = 0.05): number[][] {
  const w = Array.from({ length: 4 }, () => Array.from({ length: d }, () => rng.normal()));
  return z.map((row) => Array.from({ length: d }, (_, j) => row.reduce((a, v, k) => a + v * w[k][j], 0) + noise * rng.normal()));
}

describe('eval/alignmentProbe', () => {
  it('aligns two frozen feature sets that share a latent: retrieval far above chance, deterministic, no leak', async function () {
    this.timeout(60000);
    const rng = new Rng(3);
    const z = Array.from({ length: 160 }, () => Array.from({ length: 4 }, () => rng.normal()));
    const img = views(z, 12, rng.fork('img'));
    const txt = views(z, 8, rng.fork('txt'));
    const train = { imageX: img.slice(0, 120), textX: txt.slice(0, 120), textToImage: Array.from({ length: 120 }, (_, i) => i) };
    const run = async (seed: number) => {
      const probe = await fitAlignmentProbe({ ...train, embedDim: 6, steps: 150, batchSize: 64, seed });
      const imageEmb = probe.embedImages(img.slice(120));
      const textEmb = probe.embedTexts(txt.slice(120));
      const r = await retrieval({ imageEmb, textEmb });
      tf.dispose([imageEmb, textEmb]);
      probe.dispose();
      return { r1: r.t2i.recall[1], loss: probe.finalLoss };
    };
    const a = await expectNoLeak(() => run(0));
    expect(a.r1).to.be.greaterThan(0.5); // chance is 1/40
    expect(a.loss).to.be.lessThan(Math.log(64) / 2);
    expect(await run(0)).to.deep.equal(a);
    // a fresh, unfitted probe (0 steps) is at chance level
    const untrained = await fitAlignmentProbe({ ...train, embedDim: 6, steps: 0, seed: 0 });
    const i0 = untrained.embedImages(img.slice(120));
    const t0 = untrained.embedTexts(txt.slice(120));
    const r0 = await retrieval({ imageEmb: i0, textEmb: t0 });
    tf.dispose([i0, t0]);
    untrained.dispose();
    expect(r0.t2i.recall[1]).to.be.lessThan(0.2);
  });

  it('rejects captions of images that do not exist, naming the argument', async () => {
    const msg = await fitAlignmentProbe({ imageX: [[1], [2]], textX: [[1], [2]], textToImage: [0, 5], embedDim: 2, seed: 0 }).then(() => '', (e: Error) => e.message);
    expect(msg).to.match(/textToImage\[1\] = 5/);
  });
});
