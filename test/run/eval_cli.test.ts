import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import sharp from 'sharp';
import { evalCommand } from '../../lib/commands/eval';
import { loadConfig } from '../../lib/config';
import { ExperimentConfigSchema, loadTrainedModel, runTraining } from '../../lib/run';
import { captured, expectNoLeak } from '../helpers';

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

    const run = await captured(() => expectNoLeak(() => evalCommand(['--checkpoint', dir, '--json'])));
    expect(run.result).to.equal(0);
    const out = JSON.parse(run.out);
    expect(out.step).to.equal(2);
    expect(out.split).to.equal('test');
    expect(out.metrics['recon/in/psnr']).to.include.keys('value', 'items', 'chance');
    // mae trains no joint space: its own projections' retrieval is n/a, the alignment probe's is not
    expect(out.metrics).to.not.have.property('retrieval/in/i2t_r5');
    expect(out.metrics).to.have.property('aligned_retrieval/in/i2t_r5');
    expect(out.metrics).to.have.property('aligned_compositional/in/overall');
  });

  it('--split all scores every item of a JSONL file, in file order; the default scores its test split', async () => {
    const colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 0], [0, 255, 255], [255, 0, 255], [128, 128, 128]];
    const lines = await Promise.all(
      colours.map(async ([r, g, b], i) => {
        const image = path.join(dir, `c${i}.png`);
        await sharp({ create: { width: 8, height: 8, channels: 3, background: { r, g, b } } }).png().toFile(image);
        return JSON.stringify({ image, caption: `colour number ${i}`, split: i < 2 ? 'test' : 'train' });
      }),
    );
    const file = path.join(dir, 'held_out.jsonl');
    fs.writeFileSync(file, lines.join('\n') + '\n');
    const evaluate = async (...extra: string[]) => {
      const run = await captured(() => expectNoLeak(() => evalCommand(['--checkpoint', dir, '--dataset', `jsonl:${file}`, '--json', ...extra])));
      expect(run.result, run.err).to.equal(0);
      return { ...(JSON.parse(run.out) as { split: string; items: Record<string, number>; metrics: Record<string, unknown> }), err: run.err };
    };
    const all = await evaluate('--split', 'all');
    expect(all.split).to.equal('all');
    expect(all.items).to.deep.equal({ in: 7 });
    expect(all.metrics).to.have.property('recon/in/psnr');
    // nothing is left to fit the alignment probe on, and mae's own projections are untrained: no retrieval at all
    expect(Object.keys(all.metrics).filter((k) => k.includes('retrieval/'))).to.deep.equal([]);
    expect(all.err).to.match(/linear and alignment probes skipped: --split all/);
    const test = await evaluate();
    expect(test.split).to.equal('test');
    expect(test.items).to.deep.equal({ in: 2 });
    const bad = await captured(() => evalCommand(['--checkpoint', dir, '--split', 'every']));
    expect(bad.result).to.equal(1);
    expect(bad.err).to.match(/'every' is invalid[\s\S]*train, test, all/);
  });

  it('a folder that is not a run fails naming it', async () => {
    await loadTrainedModel(path.join(dir, 'nothing')).then(
      () => expect.fail('should throw'),
      (e: Error) => expect(e.message).to.include('nothing'),
    );
  });
});
