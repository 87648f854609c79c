import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { combinePixelStats, combineTokenStats, pixelReconstruction, psnrFromMse, tokenAccuracy } from '../../lib/eval';
import { expectNoLeak } from '../helpers';

describe('eval/reconstruction', () => {
  it('masked-patch MSE ignores visible patches; PSNR of a known MSE', async () => {
    // B = 1, N = 2, P = 2. Masked patch errs by (0.1, 0.3): MSE = (0.01 + 0.09) / 2 = 0.05.
    const r = await expectNoLeak(() => pixelReconstruction({
      pred: [[[0.6, 0.3], [9, 9]]],
      target: [[[0.5, 0.6], [0, 0]]],
      mask: [[1, 0]],
    }));
    expect(r.mse).to.be.closeTo(0.05, 1e-6);
    expect(r.count).to.equal(2);
    expect(r.psnr).to.be.closeTo(10 * Math.log10(1 / 0.05), 1e-4); // 13.0103 dB
    expect(psnrFromMse(0.01)).to.be.closeTo(20, 1e-12);
    expect(psnrFromMse(0.01 * 255 * 255, 255)).to.be.closeTo(20, 1e-9);
  });

  it('pools batches by pixel count, not by averaging PSNRs', async () => {
    const [pred, target] = [tf.fill([1, 2, 3], 0.5), tf.zeros([1, 2, 3])];
    const a = await expectNoLeak(() => pixelReconstruction({ pred, target, mask: [[1, 1]] }));
    tf.dispose([pred, target]);
    const b = await pixelReconstruction({ pred: [[[0.1, 0.1, 0.1]]], target: [[[0, 0, 0]]], mask: [[1]] });
    const all = combinePixelStats([a, b]);
    expect(all.count).to.equal(9);
    expect(all.mse).to.be.closeTo((6 * 0.25 + 3 * 0.01) / 9, 1e-6);
    expect(all.psnr).to.be.closeTo(psnrFromMse(all.mse), 1e-12);
  });

  it('throws when nothing is masked, and on mismatched shapes', async () => {
    const msg = (p: Promise<unknown>) => p.then(() => 'no throw', (err: Error) => err.message);
    await expectNoLeak(async () => {
      expect(await msg(pixelReconstruction({ pred: [[[1]]], target: [[[1]]], mask: [[0]] }))).to.match(/no masked patch/);
      expect(await msg(pixelReconstruction({ pred: [[[1, 2]]], target: [[[1]]], mask: [[1]] }))).to.match(/pred \[1,1,2\], target \[1,1,1\]/);
    });
  });

  it('token accuracy from logits ignores -100 labels', async () => {
    const logits = [[[0, 0, 5], [9, 0, 0], [0, 5, 0], [0, 5, 0]]]; // argmax 2, 0, 1, 1
    const r = await expectNoLeak(() => tokenAccuracy({ logits, labels: [[2, -100, 0, 1]] }));
    expect(r.correct).to.equal(2);
    expect(r.count).to.equal(3);
    expect(r.accuracy).to.be.closeTo(2 / 3, 1e-12);
  });

  it('token accuracy from predictions (int tensors), pooled over batches', async () => {
    const preds = tf.tensor2d([[1, 2], [3, 4]], undefined, 'int32');
    const labels = tf.tensor2d([[1, -100], [0, 4]], undefined, 'int32');
    const a = await expectNoLeak(() => tokenAccuracy({ predictions: preds, labels }));
    tf.dispose([preds, labels]);
    expect(a.accuracy).to.be.closeTo(2 / 3, 1e-12);
    const b = await tokenAccuracy({ predictions: [[7]], labels: [[7]] });
    expect(combineTokenStats([a, b]).accuracy).to.equal(3 / 4);
    const msg = await tokenAccuracy({ predictions: [[1]], labels: [[-100]] }).then(() => '', (e: Error) => e.message);
    expect(msg).to.match(/all -100/);
  });
});
