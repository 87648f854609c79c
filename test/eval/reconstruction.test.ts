import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  combinePixelStats, combineTokenStats, mostFrequentShare, pixelReconstruction, pixelReconstructionPerImage, pixelSamples, psnrFromMse,
  tokenAccuracy, tokenAccuracyPerRow, tokenSample,
} from '../../lib/eval';
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

  it('per-image PSNR (items = images) against the mean-patch baseline; oracle patch stats for every model', async () => {
    // 2 images, 3 patches of 2 values; patch 2 masked in image 0, patches 1 and 2 in image 1
    const target = [[[0.2, 0.4], [0.6, 0.8], [0.1, 0.3]], [[0.5, 0.5], [0.9, 0.1], [0.3, 0.7]]];
    const pred = [[[0, 0], [0, 0], [0.1, 0.2]], [[0, 0], [0.9, 0.1], [0.5, 0.5]]];
    const mask = [[0, 0, 1], [0, 1, 1]];
    const r = await expectNoLeak(() => pixelReconstructionPerImage({ pred, target, mask }));
    expect(r.mse[0]).to.be.closeTo((0 + 0.01) / 2, 1e-7);
    expect(r.mse[1]).to.be.closeTo((0 + 0 + 0.04 + 0.04) / 4, 1e-7);
    expect(r.psnr[0]).to.be.closeTo(10 * Math.log10(1 / 0.005), 1e-4);
    // baseline of image 0: mean visible patch [0.4, 0.6] for patch 2 = [0.1, 0.3] -> (0.09 + 0.09) / 2
    expect(r.baselineMse[0]).to.be.closeTo(0.09, 1e-7);
    // baseline of image 1: the only visible patch [0.5, 0.5]: ((0.16 + 0.16) + (0.04 + 0.04)) / 4
    expect(r.baselineMse[1]).to.be.closeTo(0.1, 1e-7);
    const s = pixelSamples([r]);
    expect(s.psnr.items).to.deep.equal(r.psnr);
    expect(s.psnr.chance).to.be.closeTo((r.baselinePsnr[0] + r.baselinePsnr[1]) / 2, 1e-9);
    expect(s.mse.higherIsBetter).to.equal(false);
    // with the true patch statistics, a prediction with the right shape but wrong scale and offset is exact
    const m = await pixelReconstructionPerImage({ pred: [[[10, 20], [0, 0]]], target: [[[0.2, 0.4], [0.5, 0.5]]], mask: [[1, 0]], matchPatchStats: true });
    expect(m.mse[0]).to.be.closeTo(0, 1e-6);
    expect(m.psnr[0]).to.be.greaterThan(50);
  });

  it('token accuracy per row: items are row shares of the pooled accuracy, chance = most frequent target', async () => {
    const rows = await expectNoLeak(() => tokenAccuracyPerRow({ predictions: [[5, 6, 7], [5, 0, 0]], labels: [[5, 6, -100], [5, 9, 9]] }));
    expect(rows).to.deep.equal({ correct: [2, 1], count: [2, 3], targets: [5, 6, 5, 9, 9] });
    const s = tokenSample([rows]);
    expect(s.value).to.be.closeTo(3 / 5, 1e-12); // pooled, not the mean of row accuracies (0.667)
    expect(s.items).to.deep.equal([2 / 5 * 2, 1 / 5 * 2]);
    expect(s.chance).to.be.closeTo(2 / 5, 1e-12);
    expect(mostFrequentShare([1, 1, 2])).to.be.closeTo(2 / 3, 1e-12);
  });
});
