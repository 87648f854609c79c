import { expect } from 'chai';
import { compareMetrics, formatStat, isKeyMetric, orderMetrics } from '../../lib/report/metric_order';
import { meanStd, summarizeArms } from '../../lib/report/summary';
import { parseCompareResults } from '../../lib/report/types';
import { twoArmsTwoSeeds } from './fixture';

describe('report/summary', () => {
  it('meanStd uses the sample std (n - 1) and 0 for one value', () => {
    const s = meanStd([0.5, 0.7]);
    expect(s.mean).to.be.closeTo(0.6, 1e-12);
    expect(s.std).to.be.closeTo(Math.sqrt(0.02), 1e-12); // ((0.1)² + (0.1)²) / (2 - 1)
    expect(meanStd([3]).std).to.equal(0);
    expect(() => meanStd([])).to.throw(/empty/);
  });

  it('summarizeArms groups seeds per arm, keeps arm order and folds in cost metrics', () => {
    const [clip, mae] = summarizeArms(twoArmsTwoSeeds());
    expect([clip.name, mae.name]).to.deep.equal(['clip', 'mae']);
    expect(clip.seeds).to.deep.equal([1, 2]);
    expect(clip.metrics['zeroshot/top1'].mean).to.be.closeTo(0.35, 1e-12);
    expect(clip.metrics['cost/wall_time_s'].std).to.be.closeTo(Math.sqrt(8), 1e-12); // 10, 14
    expect(mae.metrics['cost/gflops_per_step'].mean).to.be.closeTo(3, 1e-12);
    expect(mae.metrics['zeroshot/top1']).to.equal(undefined);
  });

  it('orders metrics: retrieval, zero-shot, probe, compositional, recon, diag, unknown, cost', () => {
    const shuffled = [
      'cost/wall_time_s', 'diag/modality_gap', 'recon/psnr', 'zeroshot/top1', 'custom/x', 'probe/acc',
      'retrieval/cross/i2t_r5', 'retrieval/in/t2i_r1', 'retrieval/in/i2t_r10', 'compositional/colour', 'recon/mse',
    ];
    expect(orderMetrics(shuffled)).to.deep.equal([
      'retrieval/in/i2t_r10', 'retrieval/in/t2i_r1', 'retrieval/cross/i2t_r5', 'zeroshot/top1', 'probe/acc',
      'compositional/colour', 'recon/psnr', 'recon/mse', 'diag/modality_gap', 'custom/x', 'cost/wall_time_s',
    ]);
    expect(compareMetrics('retrieval/in/i2t_r1', 'retrieval/in/i2t_r5')).to.be.lessThan(0);
  });

  it('key metrics keep R@5, top-1, probe accuracy, PSNR and drop the rest', () => {
    expect(isKeyMetric('retrieval/cross/i2t_r5')).to.equal(true);
    expect(isKeyMetric('retrieval/cross/i2t_r10')).to.equal(false);
    expect(isKeyMetric('zeroshot/top5')).to.equal(false);
    expect(isKeyMetric('recon/mlm_acc')).to.equal(true);
    expect(isKeyMetric('newgroup/thing')).to.equal(true);
  });

  it('formats to the magnitude of the mean, with ± only for several seeds', () => {
    expect(formatStat({ mean: 0.6, std: 0.1414, n: 2 })).to.equal('0.600 ± 0.141');
    expect(formatStat({ mean: 21, std: 1.4142, n: 2 })).to.equal('21.00 ± 1.41');
    expect(formatStat({ mean: 0.25, std: 0, n: 1 })).to.equal('0.250');
    expect(formatStat({ mean: NaN, std: NaN, n: 1 })).to.equal('NaN');
    expect(formatStat({ mean: 1, std: 0, n: 2 })).to.equal('1.000 ± 0.000'); // recalls up to 1 keep 3
    expect(formatStat({ mean: 50, std: 0, n: 2 }, 1)).to.equal('50.0 ± 0.0');
  });

  it('parseCompareResults accepts the fixture and names the bad field otherwise', () => {
    const ok = twoArmsTwoSeeds();
    expect(parseCompareResults(JSON.parse(JSON.stringify(ok)))).to.deep.equal(ok);
    const bad = JSON.parse(JSON.stringify(ok));
    bad.arms[1].metrics['probe/acc'] = 'high';
    expect(() => parseCompareResults(bad, 'x.json')).to.throw(/x\.json.*arms\.1\.metrics\.probe\/acc/);
  });
});
