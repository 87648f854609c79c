import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { TextSpec, VisionLanguageModel } from '../../lib/models';
import { ObjectiveMix } from '../../lib/objectives';
import { Rng } from '../../lib/random';
import { expectNoLeak } from '../helpers';

const TEXT: TextSpec = { vocabSize: 40, padId: 0, clsId: 2, sepId: 3, maskId: 4, specialIds: [0, 1, 2, 3, 4] };

describe('objectives/flava', () => {
  it('ITM reads the masked multimodal sequence (torchmultimodal): one fusion pass per step, shared with MMM', async () => {
    const B = 8;
    const T = 10;
    const model = new VisionLanguageModel(
      { imageSize: 16, patchSize: 4, width: 32, depth: 1, heads: 2, embedDim: 16, text: { maxLen: T }, fusion: { depth: 1 }, mlmHead: true, mimTokens: { codebookSize: 8 }, itmHead: true },
      TEXT,
      1,
    );
    const rows = Array.from({ length: B }, (_, b) => [2, 5 + b, 6 + b, 7 + b, 8 + b, 9 + b, 10 + b, 11 + b, 3, 0]);
    const batch = {
      images: tf.randomUniform([B, 16, 16, 3], 0, 1, 'float32', 3) as tf.Tensor4D,
      tokens: tf.tensor2d(rows, [B, T], 'int32'),
      attention: tf.tensor2d(rows.map((r) => r.map((id) => (id ? 1 : 0))), [B, T]),
      tokenRows: rows,
    };
    const mix = new ObjectiveMix([{ name: 'flava', swapRate: 0.25 }]);
    await mix.prepare(model, { sampleImages: () => batch.images.clone() });
    const fusion = model.fusion!;
    const original = fusion.apply.bind(fusion);
    let passes = 0;
    fusion.apply = (image, text, textMask, ctx) => {
      passes++;
      return original(image, text, textMask, ctx);
    };
    try {
      await expectNoLeak(() =>
        tf.tidy(() => {
          const { terms } = mix.loss({ model, batch, rng: new Rng(2), ctx: { training: true, rng: new Rng(2) } });
          expect(Object.keys(terms)).to.include.members(['flava/itm', 'flava/mmmText', 'flava/mmmImage', 'flava/contrastive']);
          expect(Number.isFinite(terms['flava/itm'].dataSync()[0])).to.equal(true);
        }),
      );
      expect(passes, 'fusion passes per flava step (an unmasked ITM pass would make 2)').to.equal(1);
    } finally {
      fusion.apply = original;
      tf.dispose([batch.images, batch.tokens, batch.attention]);
      model.dispose();
    }
  });
});
