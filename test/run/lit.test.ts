import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { trainCommand } from '../../lib/commands/train';
import { loadConfig } from '../../lib/config';
import { ExperimentConfigSchema, runTraining } from '../../lib/run';
import { writeTinyUseModel } from '../../lib/pretrained';
import { readMetrics } from '../../lib/train';

describe('experiment: LiT with a frozen USE-format text tower', function () {
  this.timeout(300000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-lit-'));
  const tiny = writeTinyUseModel({ dir: path.join(dir, 'use') });
  const sets = [
    `model.textTower.modelDir=${tiny.modelDir}`,
    'data.train=shapes',
    'data.size=32',
    'data.batchSize=8',
    'train.lr=0.003',
    'train.logEvery=1',
    'train.quiet=true',
  ];
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('mvlm train --config lit_uL_use trains: loss goes down over 30 steps', async () => {
    const out = path.join(dir, 'run');
    const code = await trainCommand(['--config', 'lit_uL_use', '--steps', '30', '--out', out, ...sets.flatMap((s) => ['--set', s])]);
    expect(code).to.equal(0);
    const losses = readMetrics(path.join(out, 'metrics.jsonl')).map((l) => l.loss);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    expect(mean(losses.slice(-5))).to.be.below(mean(losses.slice(0, 5)));
  });

  it('the USE weights do not change while the image tower and projection do', async () => {
    const { config } = loadConfig(ExperimentConfigSchema, 'lit_uL_use', [...sets, 'train.steps=4']);
    const before = tf.memory().numTensors;
    const { experiment } = await runTraining(config);
    const { model } = experiment;
    const weights = model.frozenText!.tower.model.weights;
    const table = Object.values(weights).flat().find((t) => t.shape.length === 2 && t.shape[1] === tiny.dim)!;
    expect(Array.from(table.dataSync())).to.deep.equal(Array.from(tiny.embeddings));
    // the projection trained: it moved away from its seeded init (same seed, fresh model, no training)
    const fresh = await runTraining(loadConfig(ExperimentConfigSchema, 'lit_uL_use', [...sets, 'train.steps=1', 'train.lr=1e-12']).config);
    const moved = tf.tidy(() => model.litProj!.proj.w.sub(fresh.experiment.model.litProj!.proj.w).abs().max().dataSync()[0]);
    expect(moved).to.be.greaterThan(1e-4);
    expect(model.store.list().some((p) => p.name.startsWith('lit.'))).to.equal(true);
    fresh.experiment.model.dispose();
    model.dispose();
    expect(tf.memory().numTensors).to.equal(before);
  });

  it('a missing USE directory fails naming the file', async () => {
    const { config } = loadConfig(ExperimentConfigSchema, 'lit_uL_use', [...sets, 'train.steps=1', `model.textTower.modelDir=${path.join(dir, 'nope')}`]);
    let error: Error | null = null;
    await runTraining(config).catch((e) => (error = e));
    expect(String(error)).to.match(/nope/);
  });
});
