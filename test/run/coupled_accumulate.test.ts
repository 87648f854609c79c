import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { loadConfig } from '../../lib/config';
import { ExperimentConfigSchema, runTraining } from '../../lib/run';

const SETS = ['data.train=shapes', 'data.size=16', 'data.batchSize=4', 'train.quiet=true', 'train.steps=1', 'train.accumulate=2'];

describe('run: gradient accumulation and objectives that compare rows across the batch', function () {
  this.timeout(120000);

  for (const preset of ['clip', 'flava', 'maskvlm']) {
    it(`${preset} with train.accumulate 2 is refused before anything is built, naming the objective and the option`, async () => {
      const { config } = loadConfig(ExperimentConfigSchema, preset, SETS);
      const before = tf.memory().numTensors;
      let error: Error | null = null;
      await runTraining(config).catch((e) => (error = e));
      expect(String(error)).to.match(new RegExp(`train\\.accumulate is 2, but objective '${preset}' compares each row with the other rows of its batch`));
      expect(String(error)).to.match(/data\.batchSize=8/);
      expect(tf.memory().numTensors).to.equal(before);
    });
  }

  it('an objective without cross-row terms (mae) still accumulates', async () => {
    const { config } = loadConfig(ExperimentConfigSchema, 'mae', SETS);
    const { experiment, result } = await runTraining(config);
    experiment.model.dispose();
    expect(result.step).to.equal(1);
    expect(Number.isFinite(result.history[0].loss)).to.equal(true);
  });

  it('a coupled objective at weight 0 does not block accumulation', async () => {
    const { config } = loadConfig(ExperimentConfigSchema, 'mae', SETS);
    const { refuseCoupledAccumulation } = await import('../../lib/run/train_run');
    expect(() => refuseCoupledAccumulation({ ...config, objectives: [...config.objectives, { name: 'clip', weight: 0 }] })).to.not.throw();
    expect(() => refuseCoupledAccumulation({ ...config, objectives: [...config.objectives, { name: 'clip', weight: 1 }] })).to.throw(/'clip'/);
  });
});
