import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { expect } from 'chai';

/** The built CLI (the package's `bin`), as a user runs it after `npm install` (prepare builds dist/). */
const CLI = path.resolve(__dirname, '..', 'dist', 'lib', 'cli.js');

function mvlm(...args: string[]) {
  return spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', env: { ...process.env, MVLM_BACKEND: '' }, timeout: 60000 });
}

describe('cli (dist/lib/cli.js, the `mvlm` bin)', function () {
  before(function () {
    if (!fs.existsSync(CLI)) throw new Error(`${CLI} is missing: run npm run build (npm install does it)`);
  });

  it('mvlm info --json names the backend, versions and wasm features', () => {
    const r = mvlm('info', '--json');
    expect(r.status, r.stderr).to.equal(0);
    const info = JSON.parse(r.stdout);
    expect(info.backend).to.be.oneOf(['tensorflow', 'wasm', 'cpu']);
    expect(info.tfjsVersion).to.equal('4.22.0');
    expect(info).to.have.property('tfjsNodeAvailable');
    expect(info).to.have.property('wasmSimd');
  });

  it('an unknown command or option fails with the usage', () => {
    const r = mvlm('nope');
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/unknown command 'nope'[\s\S]*usage: mvlm/);
    const t = mvlm('train', '--nope');
    expect(t.status).to.equal(1);
    expect(t.stderr).to.match(/--nope/);
  });

  it('a bad MVLM_BACKEND is refused, naming the choices', () => {
    const r = spawnSync(process.execPath, [CLI, 'info'], { encoding: 'utf8', env: { ...process.env, MVLM_BACKEND: 'gpu' } });
    expect(r.status).to.equal(1);
    expect(r.stderr).to.match(/MVLM_BACKEND=gpu is not one of tensorflow, wasm, cpu/);
  });
});
