import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { VisionLanguageModel } from '../../lib/models';
import { ObjectiveMix, ObjectiveSpec } from '../../lib/objectives';
import { Rng } from '../../lib/random';
import { expectNoLeak } from '../helpers';
import { TEXT, disposeBatch, makeBatch, modelFor, tiny } from './fixtures';

/** Objectives (and option variants) under test; each model gets the modules the registry derives. */
const CASES: ObjectiveSpec[] = [
  { name: 'clip' },
  { name: 'siglip' },
  { name: 'flip', dropRatio: 0.5 },
  { name: 'mae', maskRatio: 0.75 },
  { name: 'mae', normPix: true },
  { name: 'mimTokens' },
  { name: 'mlm' },
  { name: 'mmm' },
  { name: 'itm', swapRate: 0.5 },
  { name: 'itm', negatives: 'hard' },
  { name: 'flava', swapRate: 0.3 },
  { name: 'maskvlm' },
  { name: 'm3ae' },
  { name: 'caption' },
  { name: 'maskgit' },
  { name: 'maskgit', captionDrop: 0.5 },
  { name: 'lm' },
  { name: 'frozen' },
  { name: 'qformer' },
];

describe('objectives', () => {
  for (const spec of CASES) {
    const label = `${spec.name}${Object.keys(spec).length > 1 ? ' ' + JSON.stringify(spec) : ''}`;
    it(`${label}: finite terms, gradients reach the used weights, loss goes down, no leaks`, async () => {
      const model = new VisionLanguageModel(modelFor(spec), TEXT, 1);
      const mix = new ObjectiveMix([spec]);
      mix.check(model);
      const batch = makeBatch(3);
      await mix.prepare(model, { sampleImages: () => batch.images.clone() });
      const optimizer = tf.train.adam(3e-3);
      const losses: number[] = [];
      const step = (i: number) => {
        const rng = new Rng(100 + (i % 2)); // two fixed mask draws: a memorisation test
        const vars = model.store.trainable().map((p) => p.variable);
        const { value, grads } = tf.variableGrads(() => {
          const { total, terms } = mix.loss({ model, batch, rng, ctx: { training: true, rng } });
          for (const [name, t] of Object.entries(terms)) {
            expect(Number.isFinite(t.dataSync()[0]), `${name} is not finite`).to.equal(true);
          }
          return total;
        }, vars);
        if (i === 0) {
          const touched = Object.values(grads).filter((g) => tf.tidy(() => g.abs().sum()).dataSync()[0] > 0);
          expect(touched.length, 'weights that received gradient').to.be.above(4);
        }
        optimizer.applyGradients(grads as tf.NamedTensorMap as Parameters<typeof optimizer.applyGradients>[0]);
        model.afterStep();
        losses.push(value.dataSync()[0]);
        tf.dispose([value, ...Object.values(grads)]);
      };
      step(0); // creates the optimizer's moment variables
      await expectNoLeak(() => {
        for (let i = 1; i < 8; i++) step(i);
      });
      const first = (losses[0] + losses[1]) / 2;
      const last = (losses[6] + losses[7]) / 2;
      expect(last, `losses ${losses.map((l) => l.toFixed(3)).join(' ')}`).to.be.below(first);
      optimizer.dispose();
      disposeBatch(batch);
      model.dispose();
    });
  }

  it('an objective whose module is missing fails at start, naming the module and the config key', () => {
    const model = new VisionLanguageModel(tiny, TEXT, 1);
    try {
      expect(() => new ObjectiveMix([{ name: 'mae' }]).check(model)).to.throw(/'mae' needs .*pixelDecoder.*model\.pixelDecoder/);
      expect(() => new ObjectiveMix([{ name: 'flava' }]).check(model)).to.throw(/fusion.*mlmHead.*mimTokens.*itmHead/);
    } finally {
      model.dispose();
    }
  });

  it('rejects unknown objectives and options, naming the list position', () => {
    expect(() => new ObjectiveMix([{ name: 'clip' }, { name: 'nope' }])).to.throw(/objectives\[1\]: unknown objective 'nope'/);
    expect(() => new ObjectiveMix([{ name: 'mae', maskRatoi: 0.5 }])).to.throw(/objectives\[0\] \(mae\).*maskRatoi/);
    expect(() => new ObjectiveMix([{ name: 'mae', maskRatio: 2 }])).to.throw(/objectives\[0\] \(mae\)\.maskRatio/);
  });

  it('weights: the total is the weighted sum of the named terms', async () => {
    const model = new VisionLanguageModel({ ...tiny, pixelDecoder: { width: 16, depth: 1, heads: 2 } }, TEXT, 1);
    const mix = new ObjectiveMix([{ name: 'clip', weight: 1 }, { name: 'mae', weight: 0.5 }]);
    const batch = makeBatch(4);
    await expectNoLeak(() =>
      tf.tidy(() => {
        const rng = new Rng(1);
        const { total, terms } = mix.loss({ model, batch, rng, ctx: { training: false } });
        expect(Object.keys(terms)).to.deep.equal(['clip/contrastive', 'mae/mim']);
        const expected = terms['clip/contrastive'].dataSync()[0] + 0.5 * terms['mae/mim'].dataSync()[0];
        expect(total.dataSync()[0]).to.be.closeTo(expected, 1e-5);
      }),
    );
    disposeBatch(batch);
    model.dispose();
  });

  it('logit scale is clamped to [0, ln 100] after a step', () => {
    const model = new VisionLanguageModel({ ...tiny, initLogitScale: 1000 }, TEXT, 1);
    model.afterStep();
    expect(model.logit.logScale.dataSync()[0]).to.be.closeTo(Math.log(100), 1e-6);
    model.dispose();
  });
});
