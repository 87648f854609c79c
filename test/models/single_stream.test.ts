import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { EVAL, tokenAt } from '../../lib/core';
import { randomPatchMask } from '../../lib/masking';
import { TextSpec, VisionLanguageModel } from '../../lib/models';
import { Rng } from '../../lib/random';
import { expectNoLeak, maxRelError } from '../helpers';

const TEXT: TextSpec = { vocabSize: 40, padId: 0, clsId: 2, sepId: 3, maskId: 4, specialIds: [0, 1, 2, 3, 4] };

describe('models/single stream (M3AE): eval embeds as training does', () => {
  const B = 2;
  const T = 6;
  let model: VisionLanguageModel;
  beforeEach(() => {
    model = new VisionLanguageModel({ imageSize: 16, patchSize: 8, width: 32, depth: 1, heads: 2, embedDim: 16, singleStream: true, text: { maxLen: T } }, TEXT, 4);
    // a non-zero modality table, so a path that skips it cannot match by accident
    model.types!.table.assign(tf.tidy(() => tf.randomNormal(model.types!.table.shape, 0, 1, 'float32', 9)));
  });
  afterEach(() => model.dispose());

  const inputs = () => ({
    images: tf.randomUniform([B, 16, 16, 3], 0, 1, 'float32', 1) as tf.Tensor4D,
    ids: tf.tensor2d([2, 7, 9, 11, 3, 0, 2, 12, 13, 3, 0, 0], [B, T], 'int32'),
  });

  it("the eval image embedding equals the training path's CLS at image mask ratio 0 (text keys masked out)", async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const { images, ids } = inputs();
        const { keepIndices } = randomPatchMask(B, model.numPatches, 0, new Rng(2)); // every patch, shuffled
        const joint = model.encodeJoint(images, keepIndices, ids, tf.zeros([B, T]), EVAL);
        const train = model.imageProj.apply(tokenAt(joint.image, 0));
        const evalEmb = model.embedImages(images, EVAL);
        expect(maxRelError(evalEmb.dataSync(), train.dataSync(), 1e-3)).to.be.below(1e-4);
      }),
    );
  });

  it('the eval text path runs the joint core with the text modality embedding (no separate text encoder)', async () => {
    expect(model.store.list().filter((p) => p.name.startsWith('text.enc')).map((p) => p.name)).to.deep.equal([]);
    expect(model.text.encoder).to.equal(model.image.encoder);
    const attention = tf.tensor2d([1, 1, 1, 1, 1, 0, 1, 1, 1, 1, 0, 0], [B, T]);
    const embed = () => tf.tidy(() => Array.from(model.embedTexts(inputs().ids, attention, EVAL).dataSync()));
    const before = await expectNoLeak(embed);
    const table = model.types!.table;
    const shifted = tf.tidy(() => table.add(tf.concat([tf.zeros([1, 32]), tf.randomNormal([1, 32], 0, 1, 'float32', 5)])));
    table.assign(shifted); // change only the text row (type 1), not along the all-ones direction LayerNorm removes
    shifted.dispose();
    expect(maxRelError(embed(), before, 1e-3), 'text embedding after changing the text type row').to.be.above(1e-3);
    attention.dispose();
  });
});
