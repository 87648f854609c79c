/**
 * mvlm as a dependency: `npm pack`, install the tarball into a temporary project, and use it from
 * there as a user would, from CommonJS and from ES modules. One tfjs engine, no warning.
 */
import { expect } from 'chai';
import { spawnSync, type SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '../..');
const CONSUMER_SCRIPTS = path.join(__dirname, 'consumer');

/** Runs `command args` in `cwd`; throws with its output when it exits non-zero. */
function run(command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf8', timeout: 240_000 });
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} in ${cwd} exited ${r.status ?? r.signal}:\n${r.stdout}\n${r.stderr}`.slice(-4000));
  return r;
}

/** Every version of `name` in `npm ls --all --json` output, deduplicated. */
function versionsOf(tree: { dependencies?: Record<string, unknown> }, name: string, out = new Set<string>()): Set<string> {
  for (const [dep, node] of Object.entries(tree.dependencies ?? {}) as [string, { version?: string; dependencies?: Record<string, unknown> }][]) {
    if (dep === name && node.version) out.add(node.version);
    versionsOf(node, name, out);
  }
  return out;
}

describe('package: the packed tarball installed into another project', function () {
  this.timeout(600_000);
  let project: string;
  // the wasm backend, so a missing kernel file in the tarball shows (mvlm would fall back to cpu)
  const env = { ...process.env, MVLM_BACKEND: 'wasm' };

  before(() => {
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-consumer-'));
    const packed = run('npm', ['pack', '--silent', '--pack-destination', project], ROOT).stdout.trim().split('\n').pop()!;
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'mvlm-consumer', version: '1.0.0', private: true }));
    run('npm', ['install', `./${packed}`, '--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'], project);
    for (const f of fs.readdirSync(CONSUMER_SCRIPTS)) fs.copyFileSync(path.join(CONSUMER_SCRIPTS, f), path.join(project, f));
  });
  after(() => fs.rmSync(project, { recursive: true, force: true }));

  for (const script of ['use.cjs', 'use.mjs']) {
    it(`${script}: mvlm and mvlm/losses load, a loss computes on wasm, and stderr is empty`, () => {
      const r = run(process.execPath, [script], project, env);
      expect(r.stderr).to.equal('');
      expect(JSON.parse(r.stdout)).to.deep.equal({ backend: 'wasm', loss: 4, sameLoss: true });
    });
  }

  it('browser.cjs: mvlm/browser and mvlm/losses bundle for the browser, and mvlm site bundles its page script from the built package', () => {
    const r = run(process.execPath, ['browser.cjs'], project, env);
    expect(r.stderr).to.equal('');
    expect(JSON.parse(r.stdout)).to.deep.equal({ userBundle: true, siteEntry: path.join('node_modules', 'mvlm', 'dist', 'lib', 'browser', 'site', 'app.js'), siteBundle: true });
  });

  it('npm ls finds one @tensorflow/tfjs-core, the version mvlm develops against', () => {
    const tree = JSON.parse(run('npm', ['ls', '@tensorflow/tfjs-core', '--all', '--json'], project).stdout);
    const ours = JSON.parse(fs.readFileSync(require.resolve('@tensorflow/tfjs-core/package.json'), 'utf8')).version;
    expect([...versionsOf(tree, '@tensorflow/tfjs-core')]).to.deep.equal([ours]);
  });

  it('ships the experiment presets, the wasm kernels and the PyTorch reference module beside the built code', () => {
    const installed = path.join(project, 'node_modules', 'mvlm');
    expect(fs.readdirSync(path.join(installed, 'experiments', 'configs')).length).to.be.greaterThan(0);
    expect(fs.existsSync(path.join(installed, 'dist', 'wasm', 'mvlm_kernels.wasm'))).to.equal(true);
    expect(fs.existsSync(path.join(installed, 'python', 'mvlm_reference.py'))).to.equal(true);
  });
});
