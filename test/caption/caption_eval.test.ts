/** Captioning through a model: deterministic decoding, the perplexity's token accounting, the baselines. */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { EVAL } from '../../lib/core';
import { Dataset, SubwordTokenizer } from '../../lib/data';
import { captionLoss } from '../../lib/losses';
import { VisionLanguageModel } from '../../lib/models';
import { captionLikelihood, generateCaptions, nearestCaptions, textSpecOf, unigramPerplexity } from '../../lib/run';
import { expectNoLeak } from '../helpers';
import { modelFor } from '../objectives/fixtures';

const S = 16;
const MAX_LEN = 8;
const CAPTIONS = [['red dot'], ['blue dot', 'a blue dot'], ['red bar'], ['blue bar']];

/** Four flat-colour 16×16 images with the captions above. */
function dataset(captions = CAPTIONS): Dataset {
  const image = (i: number) => new Float32Array(S * S * 3).fill(i / 4);
  const meta = (i: number) => ({ id: `item${i}`, captions: captions[i] });
  return { name: 'toy', split: 'test', size: captions.length, imageSize: S, splitSizes: { train: 0, test: captions.length }, skipped: [], get: (i) => ({ ...meta(i), image: image(i) }), meta };
}

describe('caption eval', () => {
  const tokenizer = SubwordTokenizer.build(CAPTIONS.flat().concat(CAPTIONS.flat()), { vocabSize: 40 });
  let model: VisionLanguageModel;
  before(() => (model = new VisionLanguageModel({ ...modelFor({ name: 'frozen' }), text: { maxLen: MAX_LEN } }, textSpecOf(tokenizer), 7)));
  after(() => model.dispose());

  it('greedy and beam captions are deterministic, one per item, and leak nothing', async () => {
    const first = await expectNoLeak(() => generateCaptions(model, tokenizer, dataset(), MAX_LEN));
    expect(first).to.have.length(4);
    expect(await generateCaptions(model, tokenizer, dataset(), MAX_LEN)).to.deep.equal(first);
    const beam = await expectNoLeak(() => generateCaptions(model, tokenizer, dataset(), MAX_LEN, { beam: 3 }, [2, 0]));
    expect(beam).to.have.length(2);
    expect(await generateCaptions(model, tokenizer, dataset(), MAX_LEN, { beam: 3 }, [2, 0])).to.deep.equal(beam);
  });

  it('perplexity counts exactly the caption loss\'s targets: Σ NLL / tokens = captionLoss over every reference', async () => {
    const { nll, tokens } = await expectNoLeak(() => captionLikelihood(model, tokenizer, dataset(), MAX_LEN));
    // the same captions through captionLoss: rows = every reference with its image
    const rows = CAPTIONS.flatMap((cs, i) => cs.map((c) => ({ c, i })));
    const enc = rows.map(({ c }) => tokenizer.encode(c, MAX_LEN));
    const expectedTokens = enc.reduce((n, e) => n + e.attention.reduce((a, b) => a + b, 0) - 1, 0); // every real token but [CLS]
    expect(tokens).to.equal(expectedTokens);
    const mean = tf.tidy(() => {
      const images = tf.stack(rows.map(({ i }) => tf.tensor3d(dataset().get(i).image, [S, S, 3]))) as tf.Tensor4D;
      const ids = tf.tensor2d(enc.map((e) => e.ids), [rows.length, MAX_LEN], 'int32');
      const logits = model.captionLogits(model.captionContext(images, EVAL), ids, tf.tensor2d(enc.map((e) => e.attention)), EVAL);
      return captionLoss({ logits, tokens: ids, padId: tokenizer.padId }).dataSync()[0];
    });
    expect(nll / tokens).to.be.closeTo(mean, 1e-4);
  });

  it('unigram perplexity: add-one counts of the training tokens', () => {
    const train = dataset([['red dot'], ['red dot'], ['blue dot'], ['red bar']]);
    const test = dataset([['red dot'], ['red'], ['dot'], ['bar']]);
    const ids = (c: string) => tokenizer.encode(c, MAX_LEN).ids.slice(1).filter((id) => id !== tokenizer.padId);
    const counts = new Map<number, number>();
    for (const c of ['red dot', 'red dot', 'blue dot', 'red bar']) for (const id of ids(c)) counts.set(id, (counts.get(id) ?? 0) + 1);
    const total = [...counts.values()].reduce((a, b) => a + b, 0) + tokenizer.vocabSize;
    const testIds = ['red dot', 'red', 'dot', 'bar'].flatMap(ids);
    const expected = Math.exp(-testIds.reduce((s, id) => s + Math.log(((counts.get(id) ?? 0) + 1) / total), 0) / testIds.length);
    expect(unigramPerplexity(tokenizer, train, test, MAX_LEN)).to.be.closeTo(expected, 1e-9);
  });

  it('nearest caption: the first caption of the closest training image by pixels', async () => {
    const train = dataset();
    const test = dataset([['x'], ['y'], ['z'], ['w']]);
    expect(await nearestCaptions(train, test)).to.deep.equal(['red dot', 'blue dot', 'red bar', 'blue bar']);
  });
});
