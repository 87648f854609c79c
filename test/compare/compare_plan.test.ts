import { expect } from 'chai';
import { armByName, armConfig, armLabel, COMPARE_PRESETS, curveEvery, planCompare, QUICK_ARMS } from '../../lib/compare';

describe('compare: presets and plan', () => {
  it('quick keeps the arms that answer the question, and clip and siglip at a second batch size', () => {
    const { settings } = planCompare('quick', undefined, () => undefined);
    expect(settings[0].arms).to.include.members(['clip', 'siglip', 'flip', 'mae', 'clip+mae', 'flava', 'maskvlm']);
    expect(settings[0].arms).to.deep.equal(QUICK_ARMS);
    const sweep = settings.filter((s) => s.batchSize !== undefined);
    expect(sweep.map((s) => [s.batchSize, s.arms])).to.deep.equal([[16, ['clip', 'siglip']]]);
    expect(armLabel(sweep[0], 'siglip')).to.equal('siglip@b16');
    expect(armLabel(settings[0], 'siglip')).to.equal('siglip');
  });

  it('full runs every arm with ≥ 3 seeds and the batch sweep 16/32/64/128', () => {
    const full = COMPARE_PRESETS.full;
    expect(full.seeds.length).to.be.at.least(3);
    const sizes = [full.batchSize, ...full.settings.map((s) => s.batchSize).filter((b) => b !== undefined)].sort((a, b) => a! - b!);
    expect(sizes).to.deep.equal([16, 32, 64, 128]);
  });

  it('--set data.batchSize changes the main arms, never a batch-size setting\'s', () => {
    const quick = COMPARE_PRESETS.quick;
    const [main, b16] = [quick.settings[0], quick.settings.find((s) => s.batchSize === 16)!];
    const sets = ['data.batchSize=24', 'train.steps=7'];
    expect(armConfig(quick, main, armByName('clip'), 0, sets).data.batchSize).to.equal(24);
    const swept = armConfig(quick, b16, armByName('clip'), 0, sets);
    expect([swept.data.batchSize, swept.train.steps]).to.deep.equal([16, 7]);
  });

  it('curves: evaluations every ⌊steps / points⌋ steps give ≥ points evaluations with the last step', () => {
    for (const [steps, points] of [[200, 4], [250, 4], [4, 4], [1000, 8], [3, 4]]) {
      const every = curveEvery(steps, points);
      const at = Array.from({ length: steps }, (_, i) => i + 1).filter((s) => s % every === 0 || s === steps);
      expect(at.length, `${steps}/${points}`).to.be.at.least(Math.min(points, steps));
      expect(at.at(-1)).to.equal(steps);
    }
  });
});
