import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { loadConfig } from '../../lib/config';
import { ExperimentConfigSchema, runTraining } from '../../lib/run';
import { readMetrics } from '../../lib/train';

/** lit_uL_use needs the USE files; test/run/lit.test.ts runs it on a tiny USE-format model. */
const PRESETS = fs
  .readdirSync('experiments/configs')
  .filter((f) => f.endsWith('.json') && f !== 'lit_uL_use.json')
  .map((f) => f.slice(0, -5));
/** Small and fast: every preset's model and objectives, on 24 shapes scenes, batch 4. */
const SMALL = ['data.train=shapes', 'data.size=24', 'data.batchSize=4', 'train.logEvery=1', 'train.quiet=true'];

describe('experiment: presets train', () => {
  it('there is a preset for every objective family', () => {
    for (const name of ['clip', 'siglip', 'flip', 'mae', 'mimTokens', 'mlm', 'flava', 'maskvlm', 'm3ae', 'caption']) {
      expect(PRESETS).to.include(name);
    }
  });

  for (const name of PRESETS) {
    it(`${name}: 3 steps give finite, logged losses and leak nothing across steps`, async () => {
      const { config } = loadConfig(ExperimentConfigSchema, name, [...SMALL, 'train.steps=3']);
      const before = tf.memory().numTensors;
      const { experiment, result } = await runTraining(config);
      expect(result.history.map((h) => h.step)).to.deep.equal([1, 2, 3]);
      for (const h of result.history) {
        expect(Number.isFinite(h.loss), `loss at step ${h.step}`).to.equal(true);
        expect(Object.keys(h.terms).length).to.be.greaterThan(0);
      }
      experiment.model.dispose();
      expect(tf.memory().numTensors).to.equal(before);
    });
  }

  it('a run of 8 steps equals 4 steps resumed for 4 more (same losses to 1e-6)', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-resume-'));
    const sets = [...SMALL, 'train.decaySteps=8', 'train.warmupSteps=2'];
    const full = await runTraining(loadConfig(ExperimentConfigSchema, 'maskvlm', [...sets, 'train.steps=8']).config, { out: path.join(dir, 'full') });
    full.experiment.model.dispose();
    const half = loadConfig(ExperimentConfigSchema, 'maskvlm', [...sets, 'train.steps=4']).config;
    (await runTraining(half, { out: path.join(dir, 'split') })).experiment.model.dispose();
    const rest = loadConfig(ExperimentConfigSchema, 'maskvlm', [...sets, 'train.steps=8']).config;
    const resumed = await runTraining(rest, { out: path.join(dir, 'split'), resume: true });
    resumed.experiment.model.dispose();
    expect(resumed.result.history.map((h) => h.step)).to.deep.equal([5, 6, 7, 8]);
    const a = readMetrics(path.join(dir, 'full', 'metrics.jsonl'));
    const b = readMetrics(path.join(dir, 'split', 'metrics.jsonl'));
    expect(b.map((l) => l.step)).to.deep.equal(a.map((l) => l.step));
    a.forEach((line, i) => expect(b[i].loss, `step ${line.step}`).to.be.closeTo(line.loss, 1e-6));
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a bad config names the key path and where it came from', () => {
    expect(() => loadConfig(ExperimentConfigSchema, 'clip', ['model.width=wide'])).to.throw(/model\.width: expected number.*--set model\.width=wide/);
    expect(() => loadConfig(ExperimentConfigSchema, 'clip', ['model.widht=3'])).to.throw(/model\.widht: unknown key/);
    expect(() => loadConfig(ExperimentConfigSchema, 'nope')).to.throw(/no config preset "nope"/);
  });

  it('an objective whose module the model lacks fails before training, naming it', async () => {
    const { config } = loadConfig(ExperimentConfigSchema, 'clip', [...SMALL, 'train.steps=1', 'objectives.0.name=mae']);
    let error: Error | null = null;
    await runTraining(config).catch((e) => (error = e));
    expect(error).to.match(/'mae' needs model modules the model lacks: pixelDecoder/);
  });
});
