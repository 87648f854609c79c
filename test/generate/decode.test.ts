import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import sharp from 'sharp';
import { SubwordTokenizer } from '../../lib/data';
import { decodeCodes, guidedLogits, leastConfident, promptGrid, samplePrompts } from '../../lib/generate';
import { decodeMaskCount } from '../../lib/masking';
import { VisionLanguageModel } from '../../lib/models';
import { ObjectiveMix, emptyCaption, maskgitLogits } from '../../lib/objectives';
import { textSpecOf } from '../../lib/run';
import { expectNoLeak } from '../helpers';

const T = 8;
const N = 16;
const K = 8;

describe('generate: MaskGIT decoding', function () {
  this.timeout(120000);
  const tokenizer = SubwordTokenizer.build(['red heart', 'blue square', 'smiling face with heart eyes', 'a green apple'], { vocabSize: 40 });
  let model: VisionLanguageModel;
  before(async () => {
    const cfg = { imageSize: 16, patchSize: 4, width: 32, depth: 1, heads: 2, embedDim: 16, text: { maxLen: T }, mimTokens: { codebookSize: K }, cross: { depth: 1 } };
    model = new VisionLanguageModel(cfg, textSpecOf(tokenizer), 1);
    const images = tf.randomUniform([4, 16, 16, 3], 0, 1, 'float32', 2) as tf.Tensor4D;
    await new ObjectiveMix([{ name: 'maskgit' }]).prepare(model, { sampleImages: () => images.clone() });
    images.dispose();
  });
  after(() => model.dispose());

  const prompts = (texts: string[]) => {
    const enc = texts.map((t) => tokenizer.encode(t, T));
    return { ids: tf.tensor2d(enc.flatMap((e) => e.ids), [texts.length, T], 'int32'), attention: tf.tensor2d(enc.flatMap((e) => e.attention), [texts.length, T]) };
  };

  it('guidance mixes the logits as cond + g·(cond − uncond), uncond from the empty caption', async () => {
    const { ids, attention } = prompts(['red heart', 'blue square']);
    await expectNoLeak(() =>
      tf.tidy(() => {
        const grid = tf.tensor2d(Array.from({ length: 2 * N }, (_, i) => (i * 5) % K), [2, N], 'int32');
        const mask = tf.tensor2d(Array.from({ length: 2 * N }, (_, i) => (i % 2 === 0 ? 1 : 0)), [2, N]);
        const empty = emptyCaption(model.textSpec, T);
        const cond = maskgitLogits(model, grid, mask, ids, attention, { training: false });
        const uncond = maskgitLogits(model, grid, mask, tf.tensor2d([empty.ids, empty.ids], [2, T], 'int32'), tf.tensor2d([empty.attention, empty.attention], [2, T]), { training: false });
        const expected = cond.add(cond.sub(uncond).mul(3));
        expect(guidedLogits(model, grid, mask, ids, attention, 3).sub(expected).abs().max().dataSync()[0]).to.be.below(1e-4);
        expect(guidedLogits(model, grid, mask, ids, attention, 0).sub(cond).abs().max().dataSync()[0]).to.equal(0);
        expect(cond.sub(uncond).abs().max().dataSync()[0], 'the caption changes the logits').to.be.above(1e-4);
      }),
    );
    tf.dispose([ids, attention]);
  });

  it('the least confident samples are the ones re-masked', () => {
    expect(leastConfident([0.1, -3, 2, -1, -1], 2)).to.deep.equal([1, 3]);
    expect(leastConfident([0.1, -3, 2, -1, -1], 3)).to.deep.equal([1, 3, 4]);
    expect(leastConfident([0.5], 0)).to.deep.equal([]);
  });

  it('each step leaves the schedule’s count masked and never changes a decided token; the end has no mask', async () => {
    const { ids, attention } = prompts(['red heart', 'blue square', 'a green apple']);
    const masked: number[][] = [];
    let previous: { codes: Int32Array; unknown: Float32Array } | undefined;
    const codes = await expectNoLeak(() =>
      decodeCodes(model, ids, attention, {
        steps: 6,
        guidance: 2,
        seed: 4,
        onStep: (t, c, u) => {
          masked.push([0, 1, 2].map((s) => u.subarray(s * N, (s + 1) * N).reduce((a, x) => a + x, 0)));
          if (previous) for (let i = 0; i < c.length; i++) if (!previous.unknown[i]) expect(c[i], `token ${i} at step ${t}`).to.equal(previous.codes[i]);
          previous = { codes: c.slice(), unknown: u.slice() };
        },
      }),
    );
    let expected = N;
    const schedule = Array.from({ length: 6 }, (_, t) => (expected = decodeMaskCount(t, 6, N, expected)));
    expect(masked).to.deep.equal(schedule.map((m) => [m, m, m]));
    expect(schedule[5]).to.equal(0);
    expect(Array.from(codes).every((c) => c >= 0 && c < K)).to.equal(true);
    tf.dispose([ids, attention]);
  });

  it('the same seed gives the same images, another seed others; no tensors left behind', async () => {
    const run = (seed: number) => expectNoLeak(() => samplePrompts(model, tokenizer, T, ['red heart', 'blue square'], 3, { steps: 4, guidance: 3, seed }));
    const a = await run(7);
    const b = await run(7);
    const c = await run(8);
    expect(a.images.length).to.equal(2);
    expect(a.images[0].length).to.equal(3);
    expect(a.images[0][0].length).to.equal(16 * 16 * 3);
    expect(a.images.flat().map((x) => Array.from(x))).to.deep.equal(b.images.flat().map((x) => Array.from(x)));
    expect(a.images.flat().map((x) => Array.from(x))).to.not.deep.equal(c.images.flat().map((x) => Array.from(x)));
    // the pixels are centroid patches of the codebook
    const centroids = new Set(Array.from(model.codebook!.dataSync()).map((v) => Math.min(1, Math.max(0, v)).toFixed(5)));
    expect(Array.from(a.images[1][2]).every((v) => centroids.has(v.toFixed(5)))).to.equal(true);
    const png = await promptGrid(a, 32);
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).to.deep.equal([3 * (32 + 8), 2 * (32 + 8 + 2 * 13 + 4)]);
  });

  it('bad decoding options fail with the option named', async () => {
    const { ids, attention } = prompts(['red heart']);
    for (const [opts, message] of [
      [{ steps: 0 }, /steps must be a positive integer, got 0/],
      [{ temperature: 0 }, /temperature must be > 0, got 0/],
      [{ guidance: NaN }, /guidance must be a number, got NaN/],
    ] as const) {
      let error: Error | undefined;
      await decodeCodes(model, ids, attention, { ...opts, seed: 0 }).catch((e: Error) => (error = e));
      expect(error?.message).to.match(message);
    }
    tf.dispose([ids, attention]);
  });
});
