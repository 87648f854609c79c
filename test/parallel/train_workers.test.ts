import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { loadConfig } from '../../lib/config';
import { ExperimentConfigSchema, runTraining } from '../../lib/run';
import { liveWorkers } from '../../lib/parallel';

/** A preset on 16 shapes scenes, batch 4, logged every step. */
const SETS = ['data.train=shapes', 'data.size=16', 'data.batchSize=4', 'train.logEvery=1', 'train.quiet=true', 'train.steps=3'];

/** Losses of 3 steps; `workers` undefined trains in this thread. */
async function losses(workers: number | undefined, preset = 'mae', shards = 2): Promise<number[]> {
  const { config } = loadConfig(ExperimentConfigSchema, preset, SETS);
  const before = tf.memory().numTensors;
  const { experiment, result } = await runTraining(config, { workers, shards });
  experiment.model.dispose();
  expect(tf.memory().numTensors, 'coordinator tensors').to.equal(before);
  expect(liveWorkers(), 'workers closed').to.equal(0);
  return result.history.map((h) => h.loss);
}

describe('parallel: runTraining with workers', function () {
  this.timeout(180000);

  it('2 workers log the same losses as 1 worker over the same 2 shards', async () => {
    const one = await losses(1);
    const two = await losses(2);
    expect(one).to.have.length(3);
    expect(one.every(Number.isFinite)).to.equal(true);
    expect(one[2], 'the loss moves').to.not.equal(one[0]);
    for (let i = 0; i < 3; i++) expect(Math.abs(two[i] - one[i]) / Math.abs(one[i]), `loss ${i + 1}`).to.be.below(1e-5);
  });

  for (const preset of ['maskvlm']) {
    it(`${preset}: --workers 2 logs the losses of --workers 1 and of in-process training at every step (features gathered across workers)`, async () => {
      const one = await losses(1, preset, 1);
      const two = await losses(2, preset, 2);
      const here = await losses(undefined, preset);
      expect(one.every(Number.isFinite)).to.equal(true);
      expect(one[2], 'the loss moves').to.not.equal(one[0]);
      for (let i = 0; i < 3; i++) {
        expect(Math.abs(two[i] - one[i]) / Math.abs(one[i]), `loss ${i + 1}: ${two[i]} vs ${one[i]}`).to.be.below(1e-5);
        // each step draws new masks and negatives in-process too (the loss stream moves on per step)
        expect(Math.abs(here[i] - one[i]) / Math.abs(one[i]), `in-process loss ${i + 1}: ${here[i]} vs ${one[i]}`).to.be.below(1e-5);
      }
    });
  }

  it('closes its workers when training throws', async () => {
    const { config } = loadConfig(ExperimentConfigSchema, 'mae', SETS);
    const evalHook = () => ({ every: 1, run: async (): Promise<Record<string, number>> => Promise.reject(new Error('eval broke')) });
    let error: Error | null = null;
    try {
      await runTraining(config, { workers: 2, evalHook });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.equal('eval broke');
    expect(liveWorkers()).to.equal(0);
  });

  it('rejects a batch that does not split into the shards, starting no worker', async () => {
    const { config } = loadConfig(ExperimentConfigSchema, 'mae', [...SETS, 'data.batchSize=5']);
    let error: Error | null = null;
    try {
      await runTraining(config, { workers: 2 });
    } catch (e) {
      error = e as Error;
    }
    expect(error?.message).to.match(/batchSize 5 does not split into 2/);
    expect(liveWorkers()).to.equal(0);
  });
});
