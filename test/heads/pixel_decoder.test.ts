import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { EVAL, ParamStore } from '../../lib/core';
import { PixelDecoder } from '../../lib/heads';
import { randomPatchMask } from '../../lib/masking';
import { Rng } from '../../lib/random';
import { expectNoLeak } from '../helpers';

describe('heads/PixelDecoder (MAE forward_decoder)', () => {
  const B = 2;
  const grid = 4; // N = 16
  const inDim = 12;
  const P = 8 * 8 * 3;

  // the decoder's params live in its store; each test makes one and frees it
  let store: ParamStore;
  const make = () => new PixelDecoder((store = new ParamStore(new Rng(3))), 'dec', { inDim, width: 16, depth: 1, heads: 2, grid, patchValues: P });
  afterEach(() => store.dispose());

  it('predicts [B, N, P] from [CLS; K visible] and the restore order, and leaks nothing', async () => {
    const dec = make();
    await expectNoLeak(() => tf.tidy(() => {
      const { keepIndices, restoreIndices } = randomPatchMask(B, grid * grid, 0.75, new Rng(1));
      const visible = tf.randomNormal([B, 1 + keepIndices.shape[1], inDim], 0, 1, 'float32', 5) as tf.Tensor3D;
      const out = dec.apply(visible, restoreIndices, EVAL);
      expect(out.shape).to.deep.equal([B, grid * grid, P]);
      expect(() => dec.apply(visible, restoreIndices.slice([0, 0], [B, 8]), EVAL)).to.throw(/restore is \[2,8\], expected \[2, 16\]/);
    }));
  });

  it('keeps the CLS token through the decoder blocks: the prediction depends on it and its gradient reaches it', async () => {
    const dec = make();
    await expectNoLeak(() => tf.tidy(() => {
      const { keepIndices, restoreIndices } = randomPatchMask(B, grid * grid, 0.75, new Rng(1));
      const K = keepIndices.shape[1];
      const patches = tf.randomNormal([B, K, inDim], 0, 1, 'float32', 6) as tf.Tensor3D;
      const clsA = tf.randomNormal([B, 1, inDim], 0, 1, 'float32', 7) as tf.Tensor3D;
      const clsB = tf.randomNormal([B, 1, inDim], 0, 1, 'float32', 8) as tf.Tensor3D;
      const predict = (cls: tf.Tensor3D) => dec.apply(tf.concat([cls, patches], 1) as tf.Tensor3D, restoreIndices, EVAL);
      // a decoder that drops the CLS before its blocks predicts the same pixels for any CLS
      const diff = predict(clsA).sub(predict(clsB)).abs().max().dataSync()[0];
      expect(diff, 'prediction change when only the CLS input changes').to.be.above(1e-4);
      const grad = tf.grad((cls: tf.Tensor) => predict(cls as tf.Tensor3D).square().sum())(clsA);
      const gradNorm = grad.abs().sum().dataSync()[0];
      expect(gradNorm, 'gradient reaching the CLS input').to.be.above(1e-6);
    }));
  });
});
