import { expect } from 'chai';
import { DEFAULT_EVALUATORS, EvalContext, Evaluator, metricValues, runEvaluators } from '../../lib/eval';
import { expectNoLeak } from '../helpers';
import { identity } from './fixtures';

describe('eval/runEvaluators', () => {
  it('runs every evaluator that applies, with prefixed flat names', async function () {
    this.timeout(30000);
    const ctx: EvalContext = {
      imageEmb: identity(6),
      textEmb: identity(6),
      labels: [0, 1, 2, 3, 4, 5],
      classTextEmb: identity(6),
      pixels: [{ pred: [[[0.1]]], target: [[[0]]], mask: [[1]] }],
      tokens: [{ predictions: [[1, 2]], labels: [[1, -100]] }],
      compositional: [{ kind: 'colour', positive: 1, negative: 0 }, { kind: 'size', positive: 0, negative: 1 }],
    };
    const samples = await expectNoLeak(() => runEvaluators(ctx));
    const m = metricValues(samples);
    expect(m['zeroshot/top1']).to.equal(1);
    expect(m['zeroshot/top5']).to.equal(1);
    expect(m['zeroshot/balanced_acc']).to.equal(1);
    for (const k of ['i2t_r1', 'i2t_r5', 'i2t_r10', 't2i_r1', 't2i_r5', 't2i_r10']) expect(m[`retrieval/${k}`]).to.equal(1);
    expect(m['retrieval/i2t_mean_rank']).to.equal(1);
    expect(m['retrieval/t2i_median_rank']).to.equal(1);
    expect(m['recon/mse']).to.be.closeTo(0.01, 1e-6);
    expect(m['recon/psnr']).to.be.closeTo(20, 1e-4);
    expect(m['recon/token_acc']).to.equal(1);
    expect(m['compositional/overall']).to.equal(0.5);
    expect(m['compositional/colour']).to.equal(1);
    expect(m['compositional/size']).to.equal(0);
    expect(m['diag/alignment']).to.be.closeTo(0, 1e-6);
    expect(m['diag/modality_gap']).to.be.closeTo(0, 1e-6);
    expect(m['diag/erank_image']).to.be.closeTo(6, 1e-6);
    expect(m['diag/uniformity_text']).to.be.closeTo(-4, 1e-5);
    expect(Object.keys(m).some((k) => k.startsWith('probe/'))).to.equal(false); // no probe features given
    // items where the metric is a mean over eval items, chance where a baseline exists, none on diagnostics
    expect(samples['retrieval/t2i_r1']).to.deep.include({ items: [1, 1, 1, 1, 1, 1], higherIsBetter: true });
    expect(samples['retrieval/t2i_r1'].chance).to.be.closeTo(1 / 6, 1e-12);
    expect(samples['retrieval/t2i_median_rank'].items).to.equal(undefined);
    expect(samples['zeroshot/balanced_acc'].chance).to.be.closeTo(1 / 6, 1e-12);
    expect(samples['zeroshot/top1'].chance).to.be.closeTo(1 / 6, 1e-12); // majority share
    expect(samples['compositional/macro']).to.deep.include({ items: [1, 0], chance: 0.5 });
    expect(samples['diag/erank_image']).to.deep.equal({ value: samples['diag/erank_image'].value, higherIsBetter: true });
  });

  it('skips what does not apply, adds a split prefix, and reports errors when asked', async () => {
    const m = await runEvaluators({ compositional: [{ kind: 'shape', positive: 2, negative: 1 }] }, DEFAULT_EVALUATORS, { prefix: 'test/' });
    expect(metricValues(m)).to.deep.equal({ 'test/compositional/overall': 1, 'test/compositional/macro': 1, 'test/compositional/shape': 1 });

    const failing: Evaluator = { name: 'boom', appliesTo: () => true, run: async () => { throw new Error('kaput'); } };
    const constant: Evaluator = { name: 'const', appliesTo: () => true, run: async () => ({ x: { value: 7 } }) };
    const seen: string[] = [];
    const out = await runEvaluators({}, [failing, constant], { onError: (e, err) => seen.push(`${e.name}: ${err.message}`) });
    expect(out).to.deep.equal({ 'const/x': { value: 7 } });
    expect(seen).to.deep.equal(['boom: kaput']);
    const msg = await runEvaluators({}, [failing]).then(() => '', (e: Error) => e.message);
    expect(msg).to.equal('kaput');
    const dup = await runEvaluators({}, [constant, constant]).then(() => '', (e: Error) => e.message);
    expect(dup).to.match(/two evaluators are named 'const'/);
  });

  it('the probe evaluator runs on given features', async function () {
    this.timeout(30000);
    const x = [[-2, 0], [-1.5, 0.3], [2, 0.1], [1.7, -0.2]];
    const y = [0, 0, 1, 1];
    const m = await expectNoLeak(() => runEvaluators(
      { probe: { trainX: x, trainY: y, valX: x, valY: y, testX: x, testY: y, numClasses: 2, steps: 30, l2Grid: [1e-3] } }));
    expect(m).to.have.all.keys('probe/acc', 'probe/balanced_acc', 'probe/val_acc', 'probe/l2');
    expect(m['probe/acc']).to.deep.include({ value: 1, items: [1, 1, 1, 1], chance: 0.5 });
    expect(m['probe/balanced_acc']).to.deep.include({ value: 1, chance: 0.5 });
    expect(m['probe/l2'].value).to.equal(1e-3);
  });
});
