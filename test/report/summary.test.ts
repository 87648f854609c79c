import { expect } from 'chai';
import { compareMetrics, formatStat, isKeyMetric, orderMetrics } from '../../lib/report/metric_order';
import { summarizeArms } from '../../lib/report/summary';
import { parseCompareResults } from '../../lib/report/types';
import { twoArmsTwoSeeds } from './fixture';

describe('report/summary', () => {
  it('summarizeArms keeps arm order and reads every metric\'s statistics, cost included', () => {
    const [clip, mae] = summarizeArms(twoArmsTwoSeeds());
    expect([clip.name, mae.name]).to.deep.equal(['clip', 'mae']);
    expect(clip.seeds).to.deep.equal([1, 2]);
    expect(clip.metrics['zeroshot/in/balanced_acc']).to.include({ chance: 0.25, over: 'seeds', n: 2 });
    expect(clip.metrics['zeroshot/in/balanced_acc'].mean).to.be.closeTo(0.35, 1e-12);
    expect(clip.metrics['cost/wall_time_s'].std).to.be.closeTo(Math.sqrt(8), 1e-12); // 10, 14
    // R@5 hits 5/10 and 7/10: mean 0.6 over 20 items from two seeds
    expect(clip.metrics['retrieval/cross/t2i_r5']).to.include({ mean: 0.6, n: 20, seeds: 2, over: 'items+seeds', chance: 0.1 });
    expect(mae.metrics['cost/gflops_per_step'].mean).to.be.closeTo(3, 1e-12);
    expect(mae.metrics['zeroshot/in/balanced_acc']).to.equal(undefined);
  });

  it('orders metrics: retrieval, aligned retrieval, zero-shot, probe, compositional, recon, diag, unknown, cost', () => {
    const shuffled = [
      'cost/wall_time_s', 'diag/modality_gap', 'recon/psnr', 'zeroshot/top1', 'custom/x', 'probe/acc', 'aligned_retrieval/in/t2i_r5',
      'retrieval/cross/i2t_r5', 'retrieval/in/t2i_r1', 'retrieval/in/i2t_r10', 'compositional/in/colour', 'compositional/in/macro', 'recon/mse',
    ];
    expect(orderMetrics(shuffled)).to.deep.equal([
      'retrieval/in/i2t_r10', 'retrieval/in/t2i_r1', 'retrieval/cross/i2t_r5', 'aligned_retrieval/in/t2i_r5', 'zeroshot/top1', 'probe/acc',
      'compositional/in/colour', 'compositional/in/macro', 'recon/psnr', 'recon/mse', 'diag/modality_gap', 'custom/x', 'cost/wall_time_s',
    ]);
    expect(compareMetrics('retrieval/in/i2t_r1', 'retrieval/in/i2t_r5')).to.be.lessThan(0);
  });

  it('key metrics: t2i R@5, balanced accuracies, probe accuracy, the compositional macro mean, PSNR and token accuracies', () => {
    expect(isKeyMetric('retrieval/cross/t2i_r5')).to.equal(true);
    expect(isKeyMetric('retrieval/cross/i2t_r10')).to.equal(false);
    expect(isKeyMetric('zeroshot/in/top1')).to.equal(false); // majority class through ties
    expect(isKeyMetric('aligned_zeroshot/in/balanced_acc')).to.equal(true);
    expect(isKeyMetric('compositional/in/macro')).to.equal(true);
    expect(isKeyMetric('compositional/in/colour')).to.equal(false);
    expect(isKeyMetric('recon/mlm_acc')).to.equal(true);
    expect(isKeyMetric('recon/in/psnr')).to.equal(true);
    expect(isKeyMetric('recon/cross/psnr')).to.equal(false);
    expect(isKeyMetric('newgroup/thing')).to.equal(true);
  });

  it('formats mean [lo, hi] to the magnitude of the mean, the mean alone without an interval', () => {
    expect(formatStat({ mean: 0.6, ci95: [0.3, 0.9] })).to.equal('0.600 [0.300, 0.900]');
    expect(formatStat({ mean: 21, ci95: [8.29, 33.7] })).to.equal('21.00 [8.29, 33.70]');
    expect(formatStat({ mean: 0.25, ci95: null })).to.equal('0.250');
    expect(formatStat({ mean: NaN, ci95: null })).to.equal('NaN');
    expect(formatStat({ mean: 50, ci95: [49, 51] }, 1)).to.equal('50.0 [49.0, 51.0]');
  });

  it('parseCompareResults accepts the fixture and names the bad field otherwise', () => {
    const ok = twoArmsTwoSeeds();
    expect(parseCompareResults(JSON.parse(JSON.stringify(ok)))).to.deep.equal(ok);
    const bad = JSON.parse(JSON.stringify(ok));
    bad.arms[1].metrics['probe/in/acc'] = 'high';
    expect(() => parseCompareResults(bad, 'x.json')).to.throw(/x\.json.*arms\.1\.metrics\.probe\/in\/acc/);
    const noInterval = JSON.parse(JSON.stringify(ok));
    delete noInterval.stats.clip['probe/in/acc'].ci95;
    expect(() => parseCompareResults(noInterval, 'y.json')).to.throw(/y\.json.*stats\.clip\.probe\/in\/acc\.ci95/);
    const noFindings = JSON.parse(JSON.stringify(ok));
    delete noFindings.findings;
    expect(() => parseCompareResults(noFindings, 'z.json')).to.throw(/z\.json.*'findings'/);
  });
});
