import { expect } from 'chai';
import { loadConfig } from '../../lib/config';
import { loadDataset } from '../../lib/data';
import { MetricSamples } from '../../lib/eval';
import {
  EvaluateOptions, ExperimentConfigSchema, FAST_EVAL_GROUPS, evaluateModel, protocolPatchMask, protocolTextMask, setupExperiment,
} from '../../lib/run';
import { ObjectiveMix } from '../../lib/objectives';
import { expectNoLeak } from '../helpers';

const SMALL = ['data.train=shapes', 'data.size=24', 'model.width=32', 'model.embedDim=16', 'model.heads=2', 'model.depth=1', 'train.quiet=true'];

async function setup(preset: string) {
  const { config } = loadConfig(ExperimentConfigSchema, preset, SMALL);
  const experiment = await setupExperiment(config);
  const test = await loadDataset('shapes', { split: 'test', imageSize: config.model.imageSize, size: 20, quiet: true });
  const base: EvaluateOptions = {
    model: experiment.model,
    tokenizer: experiment.tokenizer,
    maxLen: config.data.maxLen,
    splits: [{ name: 'in', dataset: test }],
    objectives: experiment.objectives,
    probe: { train: experiment.train, steps: 20 },
    align: { steps: 20 },
  };
  return { experiment, base, size: test.size };
}

const keys = (m: MetricSamples, group: string) => Object.keys(m).filter((k) => k.startsWith(`${group}/`));

describe('experiment: evaluateModel, one protocol for every arm', function () {
  this.timeout(300000);

  it('a masked-only arm: no own-space retrieval/zero-shot (n/a), aligned ones, probe and reconstruction with items and chance', async () => {
    const { experiment, base, size } = await setup('mae');
    try {
      const m = await expectNoLeak(() => evaluateModel(base));
      expect(keys(m, 'retrieval')).to.deep.equal([]);
      expect(keys(m, 'zeroshot')).to.deep.equal([]);
      expect(keys(m, 'compositional')).to.deep.equal([]);
      expect(keys(m, 'diag')).to.deep.equal([]);
      expect(m['aligned_retrieval/in/t2i_r5'].items).to.have.length.greaterThan(size); // one per caption
      expect(m['aligned_retrieval/in/i2t_r5'].items).to.have.length(size); // one per image
      expect(m['aligned_zeroshot/in/balanced_acc'].chance).to.be.a('number');
      expect(m).to.have.property('aligned_compositional/in/macro');
      expect(m['probe/in/balanced_acc']).to.include.keys('value', 'items', 'chance');
      expect(m['recon/in/psnr'].items).to.have.length(size);
      expect(m['recon/in/psnr'].chance).to.be.a('number');
      expect(m).to.not.have.property('recon/in/mlm_acc');
      for (const [k, s] of Object.entries(m)) {
        if (s.items) expect(s.items.reduce((a, b) => a + b, 0) / s.items.length, k).to.be.closeTo(s.value, 1e-6);
      }
    } finally {
      experiment.model.dispose();
    }
  });

  it('reconstruction masks depend on the item only: not on the arm\'s mask ratio, its seed, or the batch', async () => {
    const { experiment, base } = await setup('mae');
    try {
      const recon = async (maskRatio: number, seed: number) => {
        const objectives = new ObjectiveMix([{ name: 'mae', maskRatio, normPix: true }]);
        return (await evaluateModel({ ...base, objectives, seed, groups: ['recon'] }))['recon/in/psnr'].items;
      };
      const a = await recon(0.5, 0);
      expect(await recon(0.9, 7)).to.deep.equal(a);
      const rows = protocolPatchMask([3, 4, 5], 16).mask;
      expect(protocolPatchMask([5], 16).mask[0]).to.deep.equal(rows[2]);
      expect(rows[2].reduce((x, y) => x + y, 0)).to.equal(12); // 75 % of 16
      const text = protocolTextMask([0, 1], [[2, 10, 11, 12, 13, 14, 15, 3, 0], [2, 20, 3, 0, 0, 0, 0, 0, 0]], { specialIds: [0, 1, 2, 3], maskId: 4 });
      expect(text.labels[0].filter((l) => l !== -100)).to.have.length(1); // round(0.15 · 6)
      expect(text.ids[1]).to.deep.equal([2, 4, 3, 0, 0, 0, 0, 0, 0]); // at least one token
    } finally {
      experiment.model.dispose();
    }
  });

  it('a contrastive arm keeps its own joint space; the fast groups skip probe and reconstruction', async () => {
    const { experiment, base } = await setup('clip');
    try {
      const m = await expectNoLeak(() => evaluateModel({ ...base, groups: FAST_EVAL_GROUPS }));
      const groups = new Set(Object.keys(m).map((k) => k.split('/')[0]));
      expect([...groups].sort()).to.deep.equal(['aligned_compositional', 'aligned_retrieval', 'aligned_zeroshot', 'retrieval', 'zeroshot']);
      expect(m['zeroshot/in/top1'].higherIsBetter).to.equal(true);
      const bad = await evaluateModel({ ...base, groups: ['nope' as never] }).then(() => '', (e: Error) => e.message);
      expect(bad).to.match(/unknown group 'nope'/);
    } finally {
      experiment.model.dispose();
    }
  });

  it('an arm that reads text given the image reports masked-text accuracy with and without the image', async () => {
    const { experiment, base, size } = await setup('maskvlm');
    try {
      const m = await expectNoLeak(() => evaluateModel({ ...base, groups: ['recon'] }));
      expect(m['recon/in/mlm_acc'].items).to.have.length(size);
      expect(m['recon/in/mlm_acc_noimage'].items).to.have.length(size);
      expect(m['recon/in/mlm_acc'].chance).to.be.greaterThan(0);
      expect(m).to.have.property('recon/in/psnr');
    } finally {
      experiment.model.dispose();
    }
  });

  it('flava, m3ae and mlm+mae name each masked-text score by what the model saw', async () => {
    const expected: Record<string, string[]> = {
      flava: ['mim_acc', 'mlm_acc', 'mlm_acc_noimage', 'mlm_acc_textonly'],
      m3ae: ['mlm_acc', 'mlm_acc_noimage', 'mse', 'psnr'],
      mlm: ['mlm_acc_textonly'],
    };
    for (const [preset, leaves] of Object.entries(expected)) {
      const { experiment, base } = await setup(preset);
      try {
        const m = await expectNoLeak(() => evaluateModel({ ...base, groups: ['recon'] }));
        expect(Object.keys(m).map((k) => k.split('/')[2]).sort(), preset).to.deep.equal(leaves);
      } finally {
        experiment.model.dispose();
      }
    }
  });
});
