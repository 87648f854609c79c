import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { TextSpec, VisionLanguageModel } from '../../lib/models';
import { m3aeObjective } from '../../lib/objectives/m3ae';
import { Rng } from '../../lib/random';
import { expectNoLeak } from '../helpers';

const TEXT: TextSpec = { vocabSize: 40, padId: 0, clsId: 2, sepId: 3, maskId: 4, specialIds: [0, 1, 2, 3, 4] };

describe('objectives/m3ae', () => {
  it("masks text at the reference's text_mask_ratio 0.75 by default (not BERT's rate), every masked token scored", async () => {
    const B = 16;
    const T = 16;
    const rng = new Rng(5);
    // [CLS] 14 ordinary tokens [SEP]: 224 eligible tokens
    const rows = Array.from({ length: B }, () => [TEXT.clsId, ...Array.from({ length: T - 2 }, () => 5 + rng.int(TEXT.vocabSize - 5)), TEXT.sepId]);
    const model = new VisionLanguageModel({ imageSize: 16, patchSize: 8, width: 32, depth: 1, heads: 2, embedDim: 16, singleStream: true, pixelDecoder: { width: 16, depth: 1, heads: 2 }, mlmHead: true, text: { maxLen: T } }, TEXT, 1);
    try {
      const labelled = await expectNoLeak(() =>
        tf.tidy(() => {
          const batch = { images: tf.randomUniform([B, 16, 16, 3], 0, 1, 'float32', 2) as tf.Tensor4D, tokens: tf.tensor2d(rows, [B, T], 'int32'), attention: tf.ones([B, T]) as tf.Tensor2D, tokenRows: rows };
          const out = m3aeObjective().reconstruct!({ model, batch, rng: new Rng(7), ctx: { training: false } });
          const labels = out.tokens!.mlm.labels.arraySync() as number[][];
          return labels.flat().filter((l) => l !== -100).length;
        }),
      );
      const eligible = B * (T - 2);
      // binomial sd at 0.75 over 224 tokens is 0.029: ±0.09 is 3σ; BERT-style 0.5 or 0.15 falls far outside
      expect(labelled / eligible, `${labelled} of ${eligible} tokens masked`).to.be.within(0.66, 0.84);
    } finally {
      model.dispose();
    }
  });
});
