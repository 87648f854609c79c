import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { patchify } from '../../lib/core';
import { cosineMaskRatio, cosineScheduleMaskArrays, decodeMaskCount, trainingMaskCount } from '../../lib/masking';
import { TextSpec, VisionLanguageModel } from '../../lib/models';
import { ObjectiveMix, TrainBatch, captionDropRows, codesToImages, dropCaptions, emptyCaption, imageCodes, maskgitLogits } from '../../lib/objectives';
import { Rng } from '../../lib/random';
import { expectNoLeak } from '../helpers';

const TEXT: TextSpec = { vocabSize: 40, padId: 0, clsId: 2, sepId: 3, maskId: 4, specialIds: [0, 1, 2, 3, 4] };
const T = 6;
const model16 = { imageSize: 16, patchSize: 4, width: 32, depth: 1, heads: 2, embedDim: 16, text: { maxLen: T }, mimTokens: { codebookSize: 8 }, cross: { depth: 1 } };

describe('maskgit: cosine schedule', () => {
  it('γ(r) = cos(π/2·r) at known r', () => {
    expect(cosineMaskRatio(0)).to.equal(1);
    expect(cosineMaskRatio(1 / 3)).to.be.closeTo(Math.sqrt(3) / 2, 1e-12);
    expect(cosineMaskRatio(0.5)).to.be.closeTo(Math.SQRT1_2, 1e-12);
    expect(cosineMaskRatio(1)).to.be.closeTo(0, 1e-12);
    expect(() => cosineMaskRatio(1.5)).to.throw(/r must be in \[0, 1\], got 1.5/);
  });

  it('training masks ceil(γ(r)·N) tokens, at least one', () => {
    expect(trainingMaskCount(0, 64)).to.equal(64);
    expect(trainingMaskCount(0.25, 64)).to.equal(60); // 0.92388·64 = 59.13
    expect(trainingMaskCount(0.5, 64)).to.equal(46); // 0.70711·64 = 45.25
    expect(trainingMaskCount(0.9, 64)).to.equal(11); // 0.15643·64 = 10.01
    expect(trainingMaskCount(1, 64)).to.equal(1);
  });

  it('each row masks exactly its count, the same for the same seed, E[fraction] = 2/π', () => {
    const a = cosineScheduleMaskArrays(4000, 16, 7);
    a.mask.forEach((row, b) => {
      expect(row.reduce((s, x) => s + x, 0)).to.equal(a.counts[b]);
      expect(a.counts[b]).to.equal(trainingMaskCount(a.r[b], 16));
    });
    const mean = a.counts.reduce((s, c) => s + c, 0) / (4000 * 16);
    // ceil adds ~0.5/N on average above ∫cos(π/2·r)dr = 2/π
    expect(mean).to.be.closeTo(2 / Math.PI + 0.5 / 16, 0.015);
    expect(cosineScheduleMaskArrays(3, 16, 7).mask).to.deep.equal(a.mask.slice(0, 3));
    expect(cosineScheduleMaskArrays(3, 16, 8).mask).to.not.deep.equal(a.mask.slice(0, 3));
  });

  it('decoding leaves floor(γ((t+1)/T)·N) masked, fixes at least one per step, none at the end', () => {
    const left: number[] = [];
    let unknown = 64;
    for (let t = 0; t < 8; t++) left.push((unknown = decodeMaskCount(t, 8, 64, unknown)));
    expect(left).to.deep.equal([62, 59, 53, 45, 35, 24, 12, 0]);
    // on a small grid the clamp to unknown − 1 decides: every step fixes a token
    expect(decodeMaskCount(0, 8, 4, 4)).to.equal(3);
    expect(decodeMaskCount(1, 8, 4, 3)).to.equal(2);
    expect(() => decodeMaskCount(8, 8, 4, 4)).to.throw(/step must be an integer in \[0, 7\], got 8/);
  });
});

function batchOf(rows: number[][], seed: number): TrainBatch {
  return {
    images: tf.randomUniform([rows.length, 16, 16, 3], 0, 1, 'float32', seed) as tf.Tensor4D,
    tokens: tf.tensor2d(rows, [rows.length, T], 'int32'),
    attention: tf.tensor2d(rows.map((r) => r.map((id) => (id === TEXT.padId ? 0 : 1))), [rows.length, T]),
    tokenRows: rows,
  };
}

const CAPTIONS_A = [[2, 10, 11, 3, 0, 0], [2, 12, 3, 0, 0, 0], [2, 13, 14, 15, 3, 0]];
const CAPTIONS_B = [[2, 20, 21, 3, 0, 0], [2, 22, 3, 0, 0, 0], [2, 23, 24, 25, 3, 0]];

describe('maskgit: classifier-free guidance dropout', () => {
  it('the empty caption is [CLS] [SEP] and padding; dropped rows get it, the others are untouched', async () => {
    expect(emptyCaption(TEXT, 5)).to.deep.equal({ ids: [2, 3, 0, 0, 0], attention: [1, 1, 0, 0, 0] });
    const batch = batchOf(CAPTIONS_A, 1);
    await expectNoLeak(() => {
      const out = dropCaptions(TEXT, batch.tokens, batch.attention, [false, true, false]);
      expect(out.ids.arraySync()).to.deep.equal([CAPTIONS_A[0], [2, 3, 0, 0, 0, 0], CAPTIONS_A[2]]);
      expect(out.attention.arraySync()).to.deep.equal([[1, 1, 1, 1, 0, 0], [1, 1, 0, 0, 0, 0], [1, 1, 1, 1, 1, 0]]);
      tf.dispose([out.ids, out.attention]);
    });
    expect(() => dropCaptions(TEXT, batch.tokens, batch.attention, [true])).to.throw(/drop has 1 rows, ids are \[3,6\]/);
    tf.dispose([batch.images, batch.tokens, batch.attention]);
  });

  it('drops each row with the given rate', () => {
    const rows = captionDropRows(20000, 0.1, new Rng(3));
    expect(rows.filter(Boolean).length / rows.length).to.be.closeTo(0.1, 0.01);
  });

  it('a row whose caption is dropped gives the same loss whatever its caption; kept captions change it', async () => {
    const model = new VisionLanguageModel(model16, TEXT, 1);
    const a = batchOf(CAPTIONS_A, 5);
    const b: TrainBatch = { ...batchOf(CAPTIONS_B, 5) };
    const loss = (captionDrop: number, batch: TrainBatch) => {
      const mix = new ObjectiveMix([{ name: 'maskgit', captionDrop }]);
      const rng = new Rng(11);
      return tf.tidy(() => mix.loss({ model, batch, rng, ctx: { training: false } }).total.dataSync()[0]);
    };
    await expectNoLeak(async () => {
      await new ObjectiveMix([{ name: 'maskgit' }]).prepare(model, { sampleImages: () => a.images.clone() });
      expect(loss(0.999999, a)).to.equal(loss(0.999999, b));
      expect(Math.abs(loss(0, a) - loss(0, b))).to.be.above(1e-5);
    });
    for (const x of [a, b]) tf.dispose([x.images, x.tokens, x.attention]);
    model.dispose();
  });
});

describe('maskgit: token grids', () => {
  it('masked tokens are never seen: changing their codes leaves every logit unchanged, a visible one does not', async () => {
    const model = new VisionLanguageModel(model16, TEXT, 2);
    const batch = batchOf(CAPTIONS_A, 9);
    await new ObjectiveMix([{ name: 'maskgit' }]).prepare(model, { sampleImages: () => batch.images.clone() });
    await expectNoLeak(() =>
      tf.tidy(() => {
        const N = 16;
        const codes = tf.tensor2d(Array.from({ length: 3 * N }, (_, i) => i % 8), [3, N], 'int32');
        const maskRows = Array.from({ length: 3 }, (_, b) => Array.from({ length: N }, (_, n) => ((n + b) % 3 === 0 ? 1 : 0)));
        const mask = tf.tensor2d(maskRows, [3, N]);
        const logits = (c: tf.Tensor2D) => maskgitLogits(model, c, mask, batch.tokens, batch.attention, { training: false });
        const shifted = codes.add(tf.scalar(3, 'int32')).mod(tf.scalar(8, 'int32'));
        const base = logits(codes);
        expect(base.shape).to.deep.equal([3, N, 8]);
        const atMasked = tf.where(mask.greater(0), shifted, codes) as tf.Tensor2D;
        expect(base.sub(logits(atMasked)).abs().max().dataSync()[0]).to.equal(0);
        const atVisible = tf.where(mask.greater(0), codes, shifted) as tf.Tensor2D;
        expect(base.sub(logits(atVisible)).abs().max().dataSync()[0]).to.be.above(1e-4);
      }),
    );
    tf.dispose([batch.images, batch.tokens, batch.attention]);
    model.dispose();
  });

  it('codes of an image whose patches are the codebook give back the image', async () => {
    const model = new VisionLanguageModel({ ...model16, mimTokens: { codebookSize: 16 } }, TEXT, 3);
    const image = tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', 4) as tf.Tensor4D;
    tf.tidy(() => model.codebook!.assign(patchify(image, 4).reshape([16, 48]).reverse(0)));
    await expectNoLeak(() =>
      tf.tidy(() => {
        const codes = imageCodes(model, image);
        expect(Array.from(codes.dataSync())).to.deep.equal(Array.from({ length: 16 }, (_, n) => 15 - n));
        expect(codesToImages(model, codes).sub(image).abs().max().dataSync()[0]).to.be.below(1e-6);
      }),
    );
    image.dispose();
    model.dispose();
  });
});
