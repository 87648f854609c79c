import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { evalCommand } from '../../lib/commands/eval';
import { loadConfig } from '../../lib/config';
import { ExperimentConfigSchema, loadTrainedModel, runTraining } from '../../lib/experiment';
import { expectNoLeak } from '../helpers';

describe('experiment: a checkpoint back for evaluation (mvlm eval)', function () {
  this.timeout(300000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-eval-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('restores the trained weights exactly and evaluates with --json', async () => {
    const { config } = loadConfig(ExperimentConfigSchema, 'mae', ['data.train=shapes', 'data.size=16', 'data.batchSize=4', 'train.steps=2', 'train.quiet=true']);
    const { experiment } = await runTraining(config, { out: dir });
    const restored = await loadTrainedModel(dir);
    expect(restored.step).to.equal(2);
    for (const p of experiment.model.store.list()) {
      const diff = tf.tidy(() => p.variable.sub(restored.model.store.variable(p.name)).abs().max().dataSync()[0]);
      expect(diff, p.name).to.equal(0);
    }
    experiment.model.dispose();
    restored.model.dispose();

    const lines: string[] = [];
    const log = console.log;
    console.log = (s: string) => lines.push(s);
    try {
      expect(await expectNoLeak(() => evalCommand(['--checkpoint', dir, '--json']))).to.equal(0);
    } finally {
      console.log = log;
    }
    const out = JSON.parse(lines.join('\n'));
    expect(out.step).to.equal(2);
    expect(out.metrics['recon/in/psnr']).to.include.keys('value', 'items', 'chance');
    // mae trains no joint space: its own projections' retrieval is n/a, the alignment probe's is not
    expect(out.metrics).to.not.have.property('retrieval/in/i2t_r5');
    expect(out.metrics).to.have.property('aligned_retrieval/in/i2t_r5');
    expect(out.metrics).to.have.property('aligned_compositional/in/overall');
  });

  it('a folder that is not a run fails naming it', async () => {
    await loadTrainedModel(path.join(dir, 'nothing')).then(
      () => expect.fail('should throw'),
      (e: Error) => expect(e.message).to.include('nothing'),
    );
  });
});
