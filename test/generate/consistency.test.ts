import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { patchify } from '../../lib/core';
import { Rows, fitPatchCodebook, nearestImages, promptConsistency, quantisationMse, targetRanks } from '../../lib/generate';
import { expectNoLeak } from '../helpers';

const rows = (r: number[][]): Rows => ({ data: Float32Array.from(r.flat()), shape: [r.length, r[0].length] });

describe('generate: prompt consistency and nearest training images', () => {
  it('ranks count ties against the target', () => {
    const sims = Float32Array.from([0.9, 0.5, 0.9, 0.1, 0.2, 0.3]);
    expect(targetRanks(sims, 3, [0, 2])).to.deep.equal([2, 1]);
  });

  it('images that match their prompts score R@1 = 1 and class top-1 = 1; shuffled prompts score about chance', async () => {
    // prompt p points along axis p; image i is drawn for prompt i and points (noisily) the same way
    const P = 8;
    const eye = Array.from({ length: P }, (_, i) => Array.from({ length: P }, (_, j) => (i === j ? 1 : 0)));
    const images = eye.map((r, i) => r.map((v, j) => v + 0.1 * ((i + j) % 3)));
    const promptClass = [0, 0, 1, 1, 2, 2, 3, 3];
    const s = await expectNoLeak(() => promptConsistency({ imageEmb: rows(images), promptEmb: rows(eye), promptOf: [...eye.keys()], promptClass, ks: [1, 5], shuffles: 200 }));
    expect(s.recall).to.deep.equal({ 1: 1, 5: 1 });
    expect(s.chanceRecall).to.deep.equal({ 1: 1 / 8, 5: 5 / 8 });
    expect(s.shuffledRecall[1]).to.be.closeTo(1 / 8, 0.03);
    expect(s.classTop1).to.equal(1);
    expect(s.chanceClassTop1).to.equal(4 * (2 / 8) ** 2);
    expect(s.shuffledClassTop1).to.be.closeTo(0.25, 0.04);
  });

  it('an image that matches another prompt misses its own', () => {
    const eye = [[1, 0], [0, 1]];
    const s = promptConsistency({ imageEmb: rows([[0, 1], [1, 0]]), promptEmb: rows(eye), promptOf: [0, 1], ks: [1], shuffles: 1 });
    expect(s.recall[1]).to.equal(0);
    expect(() => promptConsistency({ imageEmb: rows(eye), promptEmb: rows(eye), promptOf: [0], ks: [1] })).to.throw(/promptOf has 1 entries for 2 images/);
  });

  it('nearest images: RMS pixel distance to the closest reference and its index', async () => {
    const refs = rows([[0, 0, 0, 0], [1, 1, 1, 1], [0, 1, 0, 1]]);
    const out = await expectNoLeak(() => nearestImages(rows([[0, 1, 0, 1], [0.5, 0.5, 0.5, 0.5], [1, 1, 1, 0]]), refs, 2));
    expect(out.index).to.deep.equal([2, out.index[1], 1]);
    expect(out.distance[0]).to.be.closeTo(0, 1e-6);
    expect(out.distance[1]).to.be.closeTo(0.5, 1e-6);
    expect(out.distance[2]).to.be.closeTo(0.5, 1e-6);
  });
});

describe('generate: tokeniser reconstruction', () => {
  it('a codebook holding every patch rebuilds exactly; a one-colour codebook errs by the pixel variance', async () => {
    const images = tf.randomUniform([2, 8, 8, 3], 0, 1, 'float32', 5) as tf.Tensor4D;
    await expectNoLeak(() => {
      const all = tf.tidy(() => patchify(images, 4).reshape([8, 48]) as tf.Tensor2D);
      expect(quantisationMse(images, 4, all, 1)).to.be.below(1e-12);
      const grey = tf.fill([1, 48], 0.5) as tf.Tensor2D;
      const expected = tf.tidy(() => images.sub(0.5).square().mean().dataSync()[0]);
      expect(quantisationMse(images, 4, grey)).to.be.closeTo(expected, 1e-6);
      // k-means with as many codes as patches finds them all
      const fitted = fitPatchCodebook(images, 4, 8, 0, 3);
      expect(quantisationMse(images, 4, fitted)).to.be.below(1e-10);
      tf.dispose([all, grey, fitted]);
    });
    images.dispose();
  });
});
