import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { initBackend } from '../../lib/backend';
import { ARMS, ARM_REQUIREMENTS, COMPARE_PRESETS, runCompare } from '../../lib/experiment';
import { readResults } from '../../lib/report';
import { expectNoLeak } from '../helpers';

describe('experiment: mvlm compare --preset smoke', function () {
  this.timeout(600000);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-compare-'));
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('trains and evaluates every arm, and writes results.json, results.md, plots and report.html', async () => {
    const backend = await initBackend();
    const { results, reportPath } = await expectNoLeak(() => runCompare({ preset: 'smoke', out, backend, quiet: true }));
    const names = results.arms.map((a) => a.name);
    const runnable = ARMS.filter((a) => ARM_REQUIREMENTS[a.name]?.().ok ?? true);
    for (const arm of runnable) expect(names).to.include(arm.name);
    expect(names).to.include('clip@shapes');
    const byName = Object.fromEntries(results.arms.map((a) => [a.name, a]));
    // contrastive arms report retrieval on both styles; masked arms report reconstruction
    expect(byName.clip.metrics).to.have.property('retrieval/cross/i2t_r5');
    expect(byName.mae.metrics).to.have.property('recon/in/psnr');
    expect(byName.flava.metrics).to.have.property('recon/in/mlm_acc');
    expect(byName['clip@shapes'].metrics).to.have.property('compositional/in/overall');
    expect(byName.clip.flopsPerStep).to.be.greaterThan(0);
    expect(byName.clip.steps).to.equal(COMPARE_PRESETS.smoke.steps);
    const reread = readResults(path.join(out, 'results.json'));
    expect(reread.arms.length).to.equal(results.arms.length);
    const html = fs.readFileSync(reportPath, 'utf8');
    for (const name of names) expect(html).to.include(name);
    expect((html.match(/<svg/g) ?? []).length).to.be.at.least(3);
    expect(fs.readFileSync(path.join(out, 'results.md'), 'utf8')).to.include('| clip');
  });

  it('--arms narrows the study and rejects unknown arm names', async () => {
    const backend = await initBackend();
    await runCompare({ preset: 'smoke', out, backend, quiet: true, arms: ['nope'] }).then(
      () => expect.fail('should throw'),
      (e: Error) => expect(e.message).to.match(/unknown arm 'nope'/),
    );
  });
});
