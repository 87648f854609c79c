import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { SubwordTokenizer } from '../../lib/data';
import { captionLogLikelihood, likelihoodScorer, likelihoodZeroShot, maskgitLogLikelihood } from '../../lib/generate';
import { captionLoss, maskedTokenLoss } from '../../lib/losses';
import { VisionLanguageModel } from '../../lib/models';
import { ObjectiveMix, imageCodes, maskgitLogits } from '../../lib/objectives';
import { textSpecOf } from '../../lib/run';
import { expectNoLeak } from '../helpers';

const T = 8;
const tokenizer = SubwordTokenizer.build(['red heart', 'blue square', 'green apple', 'smiling face'], { vocabSize: 40 });
const tiny = { imageSize: 16, patchSize: 4, width: 32, depth: 1, heads: 2, embedDim: 16, text: { maxLen: T } };
const encode = (texts: string[]) => {
  const enc = texts.map((t) => tokenizer.encode(t, T));
  return { ids: tf.tensor2d(enc.flatMap((e) => e.ids), [texts.length, T], 'int32'), attention: tf.tensor2d(enc.flatMap((e) => e.attention), [texts.length, T]) };
};

describe('generate: likelihood scores and generative zero-shot', () => {
  it('caption log-likelihood of a row is minus its caption loss times its targets', async () => {
    const model = new VisionLanguageModel({ ...tiny, captionDecoder: { depth: 1 } }, textSpecOf(tokenizer), 1);
    const images = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
    const { ids, attention } = encode(['red heart', 'smiling face']);
    await expectNoLeak(() =>
      tf.tidy(() => {
        const ll = captionLogLikelihood(model, images, ids, attention).dataSync();
        for (let b = 0; b < 2; b++) {
          const row = (t: tf.Tensor) => t.slice([b, 0], [1, T]) as tf.Tensor2D;
          const logits = model.captionDecoder!.apply(model.text.embed(row(ids)), model.encodeImage(images.slice([b, 0, 0, 0], [1, 16, 16, 3]), {}, { training: false }).hidden, row(attention), { training: false });
          const targets = row(attention).sum().dataSync()[0] - 1;
          const loss = captionLoss({ logits, tokens: row(ids), padId: tokenizer.padId }).dataSync()[0];
          expect(ll[b]).to.be.closeTo(-loss * targets, 1e-3);
        }
      }),
    );
    tf.dispose([images, ids, attention]);
    model.dispose();
  });

  it('maskgit log-likelihood over a mask is minus the masked-token loss times the masked count', async () => {
    const model = new VisionLanguageModel({ ...tiny, mimTokens: { codebookSize: 8 }, cross: { depth: 1 } }, textSpecOf(tokenizer), 2);
    const images = tf.randomUniform([2, 16, 16, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    await new ObjectiveMix([{ name: 'maskgit' }]).prepare(model, { sampleImages: () => images.clone() });
    const { ids, attention } = encode(['blue square', 'green apple']);
    await expectNoLeak(() =>
      tf.tidy(() => {
        const mask = tf.tensor2d(Array.from({ length: 32 }, (_, i) => (i % 3 === 0 ? 1 : 0)), [2, 16]);
        const ll = maskgitLogLikelihood(model, images, ids, attention, [mask, mask]).dataSync();
        const codes = imageCodes(model, images);
        const logits = maskgitLogits(model, codes, mask, ids, attention, { training: false });
        for (let b = 0; b < 2; b++) {
          const m = mask.slice([b, 0], [1, 16]) as tf.Tensor2D;
          const labels = tf.where(m.greater(0), codes.slice([b, 0], [1, 16]), tf.fill([1, 16], -100, 'int32')) as tf.Tensor2D;
          const loss = maskedTokenLoss({ logits: logits.slice([b, 0, 0], [1, 16, 8]), labels }).dataSync()[0];
          expect(ll[b]).to.be.closeTo(2 * -loss * m.sum().dataSync()[0], 1e-3);
        }
      }),
    );
    const scorer = likelihoodScorer(model, 'maskgit', 3);
    await expectNoLeak(() => tf.tidy(() => {
      expect(scorer(images, ids, attention).shape).to.deep.equal([2]);
    }));
    tf.dispose([images, ids, attention]);
    model.dispose();
  });

  it('zero-shot predicts the class whose prompt scores highest, with chance levels', async () => {
    // image c is flat at brightness c/4; the scorer likes the prompt of the class it shows
    const prompts = ['red heart', 'blue square', 'green apple', 'smiling face'];
    const keys = prompts.map((p) => tokenizer.encode(p, T).ids.join(','));
    const labels = [0, 1, 2, 3, 3, 3];
    const shown = [0, 1, 2, 3, 3, 0]; // the last image looks like class 0
    const images = tf.tensor4d(shown.flatMap((c) => new Array(16 * 16 * 3).fill(c / 4)), [6, 16, 16, 3]);
    const score = (x: tf.Tensor4D, ids: tf.Tensor2D) =>
      tf.tidy(() => {
        const seen = x.mean([1, 2, 3]).mul(4).round(); // [B] class shown
        const askedClass = tf.tensor1d((ids.arraySync() as number[][]).map((row) => keys.indexOf(row.join(','))));
        return seen.sub(askedClass).abs().neg() as tf.Tensor1D;
      });
    const out = await expectNoLeak(() => likelihoodZeroShot({ score, tokenizer, maxLen: T, images, labels, classPrompts: prompts, batchSize: 4 }));
    expect(out.metrics.top1.value).to.be.closeTo(5 / 6, 1e-9);
    expect(out.metrics.top1.chance).to.be.closeTo(3 / 6, 1e-9);
    expect(out.metrics.balanced.value).to.be.closeTo((1 + 1 + 1 + 2 / 3) / 4, 1e-9);
    expect(out.metrics.balanced.chance).to.equal(1 / 4);
    // calibration subtracts each class's mean score: a class-wide bonus stops winning every image
    const biased = (x: tf.Tensor4D, ids: tf.Tensor2D) =>
      tf.tidy(() => score(x, ids).add(tf.tensor1d((ids.arraySync() as number[][]).map((row) => (keys.indexOf(row.join(',')) === 0 ? 10 : 0)))) as tf.Tensor1D);
    const b = await likelihoodZeroShot({ score: biased, tokenizer, maxLen: T, images, labels, classPrompts: prompts, batchSize: 4 });
    expect(b.metrics.top1.value).to.be.closeTo(1 / 6, 1e-9);
    expect(b.metrics.top1_calibrated.value).to.be.closeTo(5 / 6, 1e-9);
    images.dispose();
  });
});
