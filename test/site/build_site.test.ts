import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { siteCommand } from '../../lib/commands/site';
import { captured, rejection } from '../helpers';
import { VARIANTS, perturbedCheckpoint } from '../interop/fixtures';

/** What `mvlm site` refuses before writing anything (the page itself: test/browser/site.test.ts). */
describe('site: mvlm site refuses bad arguments, naming them', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-site-args-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('an --out that is a file, a --limit below 1 and an unknown --split', async () => {
    const checkpoint = await perturbedCheckpoint(path.join(dir, 'run'), VARIANTS.shared_core);
    const file = path.join(dir, 'taken');
    fs.writeFileSync(file, 'x');
    const e = await rejection(siteCommand(['--checkpoint', checkpoint, '--dataset', 'shapes', '--out', file]));
    expect(e.message).to.equal(`mvlm site: --out ${file} is a file, not a folder`);
    expect(fs.readFileSync(file, 'utf8')).to.equal('x');
    const limit = await captured(() => siteCommand(['--checkpoint', checkpoint, '--dataset', 'shapes', '--limit', '0', '--out', path.join(dir, 's')]));
    expect(limit.result).to.equal(1);
    expect(limit.err).to.contain("option '--limit <n>' argument '0' is invalid. expected an integer >= 1.");
    const split = await captured(() => siteCommand(['--checkpoint', checkpoint, '--dataset', 'shapes', '--split', 'dev', '--out', path.join(dir, 's')]));
    expect(split.result).to.equal(1);
    expect(split.err).to.contain("argument 'dev' is invalid. Allowed choices are train, test, all.");
    expect(fs.existsSync(path.join(dir, 's'))).to.equal(false);
  });
});
