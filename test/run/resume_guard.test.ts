import * as fs from 'fs';
import { expectNoLeak, rejection } from '../helpers';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { loadConfig } from '../../lib/config';
import { ExperimentConfigSchema, checkCanLearn, latestRunConfig, loadTrainedModel, runTraining } from '../../lib/run';

const tiny = ['data.train=shapes', 'data.size=16', 'data.batchSize=4', 'train.steps=2', 'train.quiet=true'];
const preset = (name: string, sets: string[] = []) => loadConfig(ExperimentConfigSchema, name, [...tiny, ...sets]).config;

/** Train (or resume) into `out`; the model is disposed and nothing leaks. */
function trainTo(out: string, config: ReturnType<typeof preset>, resume = false) {
  return expectNoLeak(async () => {
    const { experiment, result } = await runTraining(config, { out, resume, configFile: 'test' });
    experiment.model.dispose();
    return result;
  });
}

describe('experiment: resume keeps what is trained fixed and records every config', function () {
  this.timeout(300000);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-drift-'));
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('refuses a different objective, dataset or tokenizer, naming each key with its old and new value', async () => {
    await trainTo(out, preset('clip'));
    const configBefore = fs.readFileSync(path.join(out, 'config.json'), 'utf8');
    const ck = path.join(out, 'checkpoints', 'step-2');

    const flip = await rejection(trainTo(out, preset('flip', ['train.steps=3']), true));
    expect(flip.message).to.equal(
      `resume refused: the config changes what is being trained (checkpoint ${ck} was trained with the old values):\n` +
        '  objectives.0.name: "clip" -> "flip"\n' +
        '  objectives.0.dropRatio: (absent) -> 0.5\n' +
        "resume with the run's own config (drop --config and these --set), or start a new run folder with --out",
    );
    const data = await rejection(trainTo(out, preset('clip', ['train.steps=3', 'data.train=mnist', 'data.vocabSize=500']), true));
    expect(data.message).to.include('  data.train: "shapes" -> "mnist"\n  data.vocabSize: 1000 -> 500\n');
    const model = await rejection(trainTo(out, preset('clip', ['train.steps=3', 'model.width=48']), true));
    expect(model.message).to.match(/\n {2}model\.width: \d+ -> 48\n/);
    // nothing was written by the refused resumes
    expect(fs.readFileSync(path.join(out, 'config.json'), 'utf8')).to.equal(configBefore);
    expect(fs.existsSync(path.join(out, 'configs'))).to.equal(false);
  });

  it('hyperparameter changes resume with a warning; each resume adds a config record, none is overwritten', async () => {
    const configBefore = fs.readFileSync(path.join(out, 'config.json'), 'utf8');
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => warnings.push(m);
    let result;
    try {
      const resumed = preset('clip', ['train.steps=3', 'train.lr=0.002', 'train.logEvery=1', 'data.batchSize=8']);
      resumed.train.quiet = false;
      result = await trainTo(out, resumed, true);
    } finally {
      console.warn = warn;
    }
    expect(result.history.map((h) => h.step)).to.deep.equal([3]);
    expect(warnings.join('\n')).to.include('lr 0.001 -> 0.002');
    await trainTo(out, preset('clip', ['train.steps=4']), true);

    expect(fs.readFileSync(path.join(out, 'config.json'), 'utf8')).to.equal(configBefore);
    expect(fs.readdirSync(path.join(out, 'configs'))).to.deep.equal(['0001-resume.json', '0002-resume.json']);
    const first = JSON.parse(fs.readFileSync(path.join(out, 'configs', '0001-resume.json'), 'utf8'));
    expect(first.resumedFrom).to.deep.equal({ checkpoint: path.join(out, 'checkpoints', 'step-2'), step: 2 });
    expect(first.config.train.lr).to.equal(0.002);
    const latest = latestRunConfig(out);
    expect(latest.file).to.equal(path.join(out, 'configs', '0002-resume.json'));
    expect((latest.config as { train: { steps: number } }).train.steps).to.equal(4);
  });

  it('eval and resume fall back past a damaged newest checkpoint; a named damaged checkpoint fails', async () => {
    const step4 = path.join(out, 'checkpoints', 'step-4');
    const weights = path.join(step4, 'model.safetensors');
    const bytes = fs.readFileSync(weights);
    bytes[bytes.length - 5] ^= 0x40;
    fs.writeFileSync(weights, bytes);
    const e = await rejection(loadTrainedModel(step4));
    expect(e.message).to.match(new RegExp(`^${weights}: SHA-256 .* \\(the file is damaged\\)$`));
    const warnings: string[] = [];
    const warn = console.warn;
    console.warn = (m: string) => warnings.push(m);
    try {
      await expectNoLeak(async () => {
        const trained = await loadTrainedModel(out);
        expect(trained.step).to.equal(3);
        trained.model.dispose();
      });
      const result = await trainTo(out, preset('clip', ['train.steps=5']), true);
      expect(result.history.map((h) => h.step)).to.deep.equal([4, 5]);
    } finally {
      console.warn = warn;
    }
    expect(warnings).to.have.length(2);
    for (const w of warnings) expect(w).to.match(new RegExp(`^skipping checkpoint ${step4}: ${weights}: SHA-256`));
  });
});

describe('experiment: runs that cannot learn are refused before step 1', () => {
  it('every objective weight 0', () => {
    const config = preset('flava', ['objectives.0.weight=0']);
    expect(() => checkCanLearn(config)).to.throw(
      'this run cannot learn: every objective has weight 0 (objectives[0] flava weight 0), so the loss is 0 and no gradient flows; give at least one a weight > 0',
    );
  });

  it('a batch-coupled loss with batch size 1 (and per-shard batch 1 when data-parallel)', () => {
    for (const name of ['clip', 'siglip', 'flip', 'flava', 'maskvlm', 'caption']) {
      expect(() => checkCanLearn(preset(name, ['data.batchSize=1'])), name).to.throw(/^this run cannot learn: .* contrasts? each row with the other rows of its batch, and data\.batchSize is 1, so there are no negatives; use a batch of at least 2$/);
    }
    expect(() => checkCanLearn(preset('clip', ['data.batchSize=2']), 1)).to.throw(/each data-parallel shard holds 1 row \(data\.batchSize 2\)/);
    const itm = preset('mae', ['data.batchSize=1', 'objectives.1={"name":"itm"}']);
    expect(() => checkCanLearn(itm)).to.throw(/^this run cannot learn: itm contrasts each row/);
  });

  it('row-wise losses train at batch size 1; a coupled loss at weight 0 does not count', () => {
    for (const name of ['mae', 'mlm', 'm3ae']) expect(() => checkCanLearn(preset(name, ['data.batchSize=1'])), name).not.to.throw();
    expect(() => checkCanLearn(preset('caption', ['data.batchSize=1', 'objectives.0.contrastive=false']))).not.to.throw();
    expect(() => checkCanLearn(preset('mae', ['data.batchSize=1', 'objectives.1={"name":"clip","weight":0}']))).not.to.throw();
  });

  it('runTraining refuses before building anything', async () => {
    const e = await rejection(runTraining(preset('clip', ['data.batchSize=1'])));
    expect(e.message).to.match(/^this run cannot learn: clip contrasts/);
  });
});
