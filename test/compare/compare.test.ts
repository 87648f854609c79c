import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { initBackend } from '../../lib/backend';
import { ARMS, ARM_REQUIREMENTS, COMPARE_PRESETS, runCompare } from '../../lib/compare';
import { FINDING_RULES } from '../../lib/stats';
import { readResults } from '../../lib/report';
import { expectNoLeak } from '../helpers';

describe('experiment: mvlm compare --preset smoke', function () {
  this.timeout(600000);
  const out = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-compare-'));
  after(() => fs.rmSync(out, { recursive: true, force: true }));

  it('trains and evaluates every arm, and writes results.json, results.md, plots and report.html', async () => {
    const backend = await initBackend();
    const { results, reportPath } = await expectNoLeak(() => runCompare({ preset: 'smoke', out, backend, quiet: true, jobs: 1 }));
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

  it('every metric of every arm carries mean, std, n and ci95 (or says why not); curves have ≥ 4 points in FLOPs and seconds', () => {
    const results = readResults(path.join(out, 'results.json'));
    for (const run of results.arms) {
      const stats = results.stats[run.name];
      for (const metric of Object.keys(run.metrics)) {
        const s = stats[metric];
        expect(s, `${run.name} ${metric}`).to.not.equal(undefined);
        expect(s.mean, `${run.name} ${metric}`).to.satisfy((m: number) => Number.isNaN(m) || m === run.metrics[metric]);
        expect(s.over === 'none' ? s.ci95 === null : s.ci95!.length === 2, `${run.name} ${metric}`).to.equal(true);
      }
      expect(run.curve!.length, run.name).to.be.at.least(COMPARE_PRESETS.smoke.curvePoints);
      const flops = run.curve!.map((p) => p.flops);
      expect(flops, run.name).to.deep.equal(run.curve!.map((p) => p.step * run.flopsPerStep));
      expect(run.curve!.at(-1)!.step).to.equal(run.steps);
      expect(run.curve!.every((p, i) => i === 0 || p.seconds >= run.curve![i - 1].seconds)).to.equal(true);
      expect(run.curve!.at(-1)!.seconds).to.be.at.most(run.wallTimeSec + 1e-6); // training time only
      expect(fs.existsSync(path.join(out, 'arms', `${run.name.replace(/[^\w@+.-]/g, '_')}-s${run.seed}`, 'checkpoints')), run.name).to.equal(true);
    }
    // the batch sweep ran clip and siglip at batch 4 beside the main batch
    expect(results.arms.find((a) => a.name === 'siglip@b4')?.batchSize).to.equal(4);
    expect(results.differences['siglip@b4']['retrieval/in/t2i_r5'].baseline).to.equal('clip@b4');
    // findings come from rules: each is either stated with its numbers or skipped with a reason
    const rules = new Set([...results.findings.map((f) => f.rule), ...results.skippedFindings.map((s) => s.rule)]);
    expect(rules.size).to.equal(new Set(FINDING_RULES.map((r) => r.id)).size);
    const sweep = results.findings.filter((f) => f.rule === 'SigLIP vs CLIP as the batch shrinks');
    expect(sweep.map((f) => f.at)).to.deep.equal(['batch 4', 'batch 8', 'gap at batch 4 − gap at batch 8']);
    for (const f of results.findings) expect(f.claim).to.contain(f.arms[0]).and.contain(f.metric);
  });

  it('--arms narrows the study and rejects unknown arm names', async () => {
    const backend = await initBackend();
    await runCompare({ preset: 'smoke', out, backend, quiet: true, arms: ['nope'] }).then(
      () => expect.fail('should throw'),
      (e: Error) => expect(e.message).to.match(/unknown arm 'nope'/),
    );
  });
});
