/**
 * Frozen parts stay frozen through real training runs: the LM of `model.lm.checkpoint` (under
 * `frozen` and `qformer`) and an image tower from `model.imageFrom` keep their exact bytes and get
 * no optimizer state, while the bridge trains; without a configured LM the run trains one first as
 * an announced stage and keeps it in RUN/lm.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { captionCommand } from '../../lib/commands/caption';
import { loadConfig } from '../../lib/config';
import { ExperimentConfigSchema, resolveCheckpoint, runTraining } from '../../lib/run';
import { disposeCheckpoint, loadCheckpoint } from '../../lib/train';
import { captured, rejection } from '../helpers';

const SETS = [
  'data.train=shapes',
  'data.size=32',
  'data.batchSize=8',
  'model.width=32',
  'model.depth=1',
  'model.heads=2',
  'model.embedDim=16',
  'train.logEvery=1',
  'train.quiet=true',
  'train.lr=0.003',
];

/** Every tensor of run `dir`'s newest checkpoint whose name starts with `prefix`, as plain arrays; and its optimizer state names. */
function saved(dir: string, prefix: string): { params: Map<string, number[]>; optimizer: string[] } {
  const ck = loadCheckpoint(resolveCheckpoint(dir));
  try {
    const params = new Map([...ck.model].filter(([n]) => n.startsWith(prefix)).map(([n, t]) => [n, Array.from(t.dataSync())]));
    return { params, optimizer: [...ck.optimizer.keys()].filter((n) => n.startsWith(prefix)) };
  } finally {
    disposeCheckpoint(ck);
  }
}

async function train(preset: string, out: string, sets: string[]): Promise<string> {
  const { config } = loadConfig(ExperimentConfigSchema, preset, [...SETS, ...sets]);
  const { result, err } = await captured(async () => {
    const run = await runTraining(config, { out });
    run.experiment.model.dispose();
  });
  void result;
  return err;
}

describe('frozen parts: a frozen LM and a frozen image tower', function () {
  this.timeout(300000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-frozen-'));
  const lmRun = path.join(dir, 'lm');
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  before(async () => {
    await train('lm', lmRun, ['train.steps=4']);
  });

  for (const preset of ['frozen', 'qformer']) {
    it(`${preset}: the LM's bytes are unchanged after training, it has no optimizer state, the bridge moved`, async () => {
      const before = tf.memory().numTensors;
      const out = path.join(dir, preset);
      const sets = ['train.steps=4', `model.lm.checkpoint=${lmRun}`, ...(preset === 'qformer' ? ['objectives.0.stage1Steps=2'] : [])];
      const log = await train(preset, out, sets);
      expect(log).to.match(/lm: loaded \d+ frozen tensors/);
      const lmBefore = saved(lmRun, 'lm.');
      const lmAfter = saved(out, 'lm.');
      expect(lmAfter.params.size).to.be.above(5);
      expect([...lmAfter.params.keys()]).to.deep.equal([...lmBefore.params.keys()]);
      for (const [name, values] of lmAfter.params) expect(values, name).to.deep.equal(lmBefore.params.get(name));
      expect(lmAfter.optimizer).to.deep.equal([]);
      const bridge = preset === 'frozen' ? 'prefix.' : 'qformer.';
      expect(saved(out, bridge).optimizer.length).to.be.above(0);
      expect(tf.memory().numTensors).to.equal(before);
    });
  }

  it('mvlm caption writes deterministic captions of a trained bridge (greedy and beam), as JSON', async () => {
    const run = path.join(dir, 'frozen');
    const args = ['--checkpoint', run, '--dataset', 'shapes', '--limit', '3', '--json'];
    const first = await captured(() => captionCommand([...args, '--beam', '2']));
    expect(first.result).to.equal(0);
    const parsed = JSON.parse(first.out);
    expect(parsed.captioner).to.equal('prefix');
    expect(parsed.captions).to.have.length(3);
    for (const c of parsed.captions) expect(c.caption).to.be.a('string');
    expect((await captured(() => captionCommand([...args, '--beam', '2']))).out).to.equal(first.out);
    expect((await captured(() => captionCommand(args))).result).to.equal(0);
    expect(String(await rejection(captionCommand(['--checkpoint', run])))).to.match(/--image PATH\.\.\. or --dataset SPEC/);
  });

  it('the lm objective itself trains the LM (the control: its bytes do move)', async () => {
    const again = path.join(dir, 'lm-more');
    await train('lm', again, ['train.steps=6']);
    const [a, b] = [saved(lmRun, 'lm.dec.logits.w').params, saved(again, 'lm.dec.logits.w').params];
    expect(a.get('lm.dec.logits.w')).to.not.deep.equal(b.get('lm.dec.logits.w'));
    expect(saved(again, 'lm.').optimizer.length).to.be.above(0);
  });

  it('model.imageFrom loads and freezes an image tower from another run', async () => {
    const out = path.join(dir, 'image-from');
    const log = await train('frozen', out, ['train.steps=3', `model.lm.checkpoint=${lmRun}`, `model.imageFrom=${lmRun}`]);
    expect(log).to.match(/image tower: loaded \d+ frozen tensors/);
    const [src, dst] = [saved(lmRun, 'image.'), saved(out, 'image.')];
    expect(dst.params.size).to.be.above(5);
    for (const [name, values] of dst.params) expect(values, name).to.deep.equal(src.params.get(name));
    expect(dst.optimizer).to.deep.equal([]);
  });

  it('an image tower of another shape is refused, naming the setting', async () => {
    const { config } = loadConfig(ExperimentConfigSchema, 'frozen', [...SETS, 'model.width=64', 'model.text.width=32', 'train.steps=1', `model.lm.checkpoint=${lmRun}`, `model.imageFrom=${lmRun}`]);
    const err = await runTraining(config, { out: path.join(dir, 'bad') }).then(() => null, (e: Error) => e);
    expect(String(err)).to.match(/model\.imageFrom.*model\.width \(32 there, 64 here\)/);
  });

  it('without model.lm.checkpoint the LM is trained first as an announced stage, kept in RUN/lm, and reused', async () => {
    const out = path.join(dir, 'staged');
    const log = await train('frozen', out, ['train.steps=2', 'model.lm.stageSteps=3']);
    expect(log).to.match(/LM stage: no model\.lm\.checkpoint.*3 steps/);
    expect(loadCheckpoint(resolveCheckpoint(path.join(out, 'lm'))).step).to.equal(3);
    const recorded = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(JSON.stringify(recorded)).to.contain(path.join(out, 'lm'));
    const again = await train('frozen', path.join(out, 'second'), ['train.steps=1', 'model.lm.stageSteps=3', `model.lm.checkpoint=${path.join(out, 'lm')}`]);
    expect(again).to.not.match(/LM stage/);
  });
});
