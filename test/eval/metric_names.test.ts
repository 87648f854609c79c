import { expect } from 'chai';
import { SWAP_KINDS, compositionalSamples } from '../../lib/eval';
import { compareMetrics, isAccuracyMetric } from '../../lib/report/metric_order';

/** True when the report's order knows the leaf (an unknown leaf sorts after every known one, then alphabetically). */
const known = (group: string, leaf: string) => compareMetrics(`${group}/in/${leaf}`, `${group}/in/aaa_unknown`) < 0;

describe('eval: emitted metric names are the ones the report orders', () => {
  it('compositional leaves (every swap kind, overall, macro) are known accuracies', () => {
    const scores = SWAP_KINDS.map((kind) => ({ kind, positive: 1, negative: 0 }));
    const leaves = Object.keys(compositionalSamples(scores));
    expect(leaves.sort()).to.deep.equal(['colour', 'macro', 'overall', 'relation', 'shape', 'size']);
    for (const leaf of leaves) {
      expect(known('compositional', leaf), leaf).to.equal(true);
      expect(isAccuracyMetric(`compositional/in/${leaf}`), leaf).to.equal(true);
    }
  });

  it('reconstruction leaves and the alignment probe groups are known', () => {
    for (const leaf of ['psnr', 'mse', 'mlm_acc', 'mlm_acc_noimage', 'mlm_acc_textonly', 'mim_acc']) expect(known('recon', leaf), leaf).to.equal(true);
    expect(isAccuracyMetric('recon/in/mlm_acc_noimage')).to.equal(true);
    // aligned groups sit beside the groups they mirror, before unknown groups
    expect(compareMetrics('aligned_retrieval/in/t2i_r5', 'probe/in/acc')).to.be.lessThan(0);
    expect(compareMetrics('aligned_compositional/in/macro', 'recon/in/psnr')).to.be.lessThan(0);
  });
});
