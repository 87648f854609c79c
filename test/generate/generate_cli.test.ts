import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import sharp from 'sharp';
import { generateCommand } from '../../lib/commands/generate';
import { loadConfig } from '../../lib/config';
import { ExperimentConfigSchema, runTraining } from '../../lib/run';
import { captured, expectNoLeak } from '../helpers';

describe('mvlm generate', function () {
  this.timeout(300000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-generate-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const small = ['data.train=shapes', 'data.size=16', 'data.batchSize=4', 'train.steps=2', 'train.quiet=true', 'model.width=32', 'model.depth=1'];

  it('writes a grid (a row per prompt, a column per sample), the same bytes for the same seed', async () => {
    const { config } = loadConfig(ExperimentConfigSchema, 'maskgit', small);
    const run = path.join(dir, 'maskgit');
    (await runTraining(config, { out: run })).experiment.model.dispose();
    const draw = async (out: string, seed: string) => {
      const r = await captured(() => expectNoLeak(() => generateCommand(['--checkpoint', run, '--prompt', 'red circle', '--prompt', 'blue square', '--samples', '3', '--steps', '4', '--seed', seed, '--out', out])));
      expect(r.result, r.err).to.equal(0);
      expect(r.out).to.match(/6 image\(s\) in .* \(4 steps, guidance 3, seed \d\) ->/);
      return fs.readFileSync(out);
    };
    const a = await draw(path.join(dir, 'a.png'), '1');
    const meta = await sharp(a).metadata();
    expect([meta.width, meta.height]).to.deep.equal([3 * (96 + 8), 2 * (96 + 8 + 2 * 13 + 4)]);
    expect(a.equals(await draw(path.join(dir, 'b.png'), '1'))).to.equal(true);
  });

  it('refuses a checkpoint not trained with maskgit, naming its objectives', async () => {
    const { config } = loadConfig(ExperimentConfigSchema, 'clip', small);
    const run = path.join(dir, 'clip');
    (await runTraining(config, { out: run })).experiment.model.dispose();
    let error: Error | undefined;
    await generateCommand(['--checkpoint', run, '--prompt', 'x', '--out', path.join(dir, 'c.png')]).catch((e: Error) => (error = e));
    expect(error?.message).to.match(/trained with clip; generate needs a checkpoint trained with the maskgit objective/);
  });
});
