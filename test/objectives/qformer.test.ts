/** The Q-Former's three attention masks, against hand-written matrices, and their effect on the outputs. */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { EVAL } from '../../lib/core';
import { VisionLanguageModel, qformerBias, qformerMask } from '../../lib/models';
import { ObjectiveMix } from '../../lib/objectives';
import { Rng } from '../../lib/random';
import { expectNoLeak } from '../helpers';
import { TEXT, disposeBatch, makeBatch, modelFor } from './fixtures';

// rows attend to columns; the joint sequence is [q0 q1 | t0 t1 t2]
const UNIMODAL = [
  [1, 1, 0, 0, 0],
  [1, 1, 0, 0, 0],
  [0, 0, 1, 1, 1],
  [0, 0, 1, 1, 1],
  [0, 0, 1, 1, 1],
];
const BIDIRECTIONAL = [
  [1, 1, 1, 1, 1],
  [1, 1, 1, 1, 1],
  [1, 1, 1, 1, 1],
  [1, 1, 1, 1, 1],
  [1, 1, 1, 1, 1],
];
const CAUSAL = [
  [1, 1, 0, 0, 0],
  [1, 1, 0, 0, 0],
  [1, 1, 1, 0, 0],
  [1, 1, 1, 1, 0],
  [1, 1, 1, 1, 1],
];

describe('qformer masks (BLIP-2)', () => {
  it('unimodal (ITC), bidirectional (ITM) and multimodal-causal (generation) match the hand-written matrices', () => {
    expect(qformerMask('unimodal', 2, 3)).to.deep.equal(UNIMODAL);
    expect(qformerMask('bidirectional', 2, 3)).to.deep.equal(BIDIRECTIONAL);
    expect(qformerMask('causal', 2, 3)).to.deep.equal(CAUSAL);
  });

  it('padding: text keys with attention 0 are blocked in every row, query keys never', async () => {
    await expectNoLeak(() => {
      const attention = tf.tensor2d([[1, 1, 0], [1, 1, 1]]);
      const bias = qformerBias('bidirectional', 2, attention);
      expect(bias.shape).to.deep.equal([2, 1, 5, 5]);
      const allowed = (bias.arraySync() as number[][][][]).map((b) => b[0].map((row) => row.map((v) => (v === 0 ? 1 : 0))));
      expect(allowed[0]).to.deep.equal(BIDIRECTIONAL.map((row) => [1, 1, 1, 1, 0]));
      expect(allowed[1]).to.deep.equal(BIDIRECTIONAL);
      tf.dispose([attention, bias]);
    });
  });

  it('rejects unknown kinds and sizes, naming them', () => {
    expect(() => qformerMask('full' as never, 2, 3)).to.throw(/unknown kind 'full'/);
    expect(() => qformerMask('causal', 0, 3)).to.throw(/Nq=0/);
  });

  describe('in the model: what each mask lets through', () => {
    let model: VisionLanguageModel;
    before(() => (model = new VisionLanguageModel(modelFor({ name: 'qformer' }), TEXT, 3)));
    after(() => model.dispose());

    /** Query and text outputs for captions `rows` under `kind`. */
    function run(rows: number[][], kind: 'unimodal' | 'bidirectional' | 'causal', imageSeed = 1): { q: number[][][]; t: number[][][] } {
      return tf.tidy(() => {
        const image = model.encodeImage(tf.randomUniform([1, 16, 16, 3], 0, 1, 'float32', imageSeed) as tf.Tensor4D, {}, EVAL).hidden;
        const ids = tf.tensor2d(rows, [1, rows[0].length], 'int32');
        const out = model.qformer!.apply(image, EVAL, { emb: model.text.embed(ids), attention: tf.onesLike(ids).toFloat() as tf.Tensor2D, kind });
        return { q: out.queries.arraySync() as number[][][], t: out.text!.arraySync() as number[][][] };
      }) as unknown as { q: number[][][]; t: number[][][] };
    }
    const a = [[2, 7, 8, 9, 3]];
    const b = [[2, 7, 20, 30, 3]]; // the same first two tokens, different later ones
    const diff = (x: number[][][], y: number[][][]) => Math.max(...x.flat(2).map((v, i) => Math.abs(v - y.flat(2)[i])));
    const rowsDiff = (x: number[][][], y: number[][][], from: number, to: number) => diff(x.map((r) => r.slice(from, to)), y.map((r) => r.slice(from, to)));

    it('unimodal: the queries never see the text, the text never sees the image', () => {
      expect(diff(run(a, 'unimodal').q, run(b, 'unimodal').q)).to.equal(0);
      expect(diff(run(a, 'unimodal', 1).t, run(a, 'unimodal', 2).t)).to.equal(0);
      // the control: under the bidirectional mask the queries do read the text
      expect(diff(run(a, 'bidirectional').q, run(b, 'bidirectional').q)).to.be.above(1e-4);
    });

    it('causal: text position t sees the queries (hence the image) and tokens up to t only', () => {
      const [x, y] = [run(a, 'causal'), run(b, 'causal')];
      expect(diff(x.q, y.q)).to.equal(0);
      expect(rowsDiff(x.t, y.t, 0, 2)).to.equal(0);
      expect(rowsDiff(x.t, y.t, 2, 5)).to.be.above(1e-4);
      expect(diff(run(a, 'causal', 1).t, run(a, 'causal', 2).t)).to.be.above(1e-4);
    });
  });

  it('freezing: the bridges freeze lm.*, and a mix that trains the LM and keeps it frozen is refused', () => {
    const model = new VisionLanguageModel(modelFor({ name: 'frozen' }), TEXT, 1);
    try {
      expect(new ObjectiveMix([{ name: 'frozen' }]).freeze(model)).to.deep.equal(['lm.']);
      expect(model.store.trainable().some((p) => p.name.startsWith('lm.'))).to.equal(false);
      expect(model.store.trainable().some((p) => p.name.startsWith('prefix.'))).to.equal(true);
      expect(() => new ObjectiveMix([{ name: 'lm' }, { name: 'frozen' }]).freeze(model)).to.throw(/'lm' trains lm but another objective of the mix keeps 'lm\.\*' frozen/);
    } finally {
      model.dispose();
    }
  });

  it('staging: stage 1 trains itc, itm, itg (lm idle at 0); later steps only the soft-prompt caption term; no leaks', async () => {
    const model = new VisionLanguageModel(modelFor({ name: 'qformer' }), TEXT, 1);
    const mix = new ObjectiveMix([{ name: 'qformer', stage1Steps: 2 }]);
    const batch = makeBatch(5);
    const terms = (step: number) => {
      const rng = new Rng(step);
      const err = console.error;
      console.error = () => undefined;
      try {
        // the terms that carry a loss (the idle stage's are exactly 0)
        return tf.tidy(() => Object.entries(mix.loss({ model, batch, rng, step, ctx: { training: true, rng } }).terms).filter(([, t]) => t.dataSync()[0] !== 0).map(([k]) => k).sort());
      } finally {
        console.error = err;
      }
    };
    await expectNoLeak(() => {
      expect(terms(1)).to.deep.equal(['qformer/itc', 'qformer/itg', 'qformer/itm']);
      expect(terms(2)).to.deep.equal(['qformer/itc', 'qformer/itg', 'qformer/itm']);
      expect(terms(3)).to.deep.equal(['qformer/lm']);
    });
    disposeBatch(batch);
    model.dispose();
  });
});
