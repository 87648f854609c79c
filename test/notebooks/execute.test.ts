/** The notebook runner's executor: nbclient drives this project's tslab kernel through a notebook. */
import { expect } from 'chai';
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readNotebook } from '../../scripts/notebooks/check';
import { KERNEL_NAME, PROJECT_ROOT, writeKernelSpec } from '../../scripts/notebooks/kernel';
import { findPython } from '../../scripts/notebooks/run';
import { JUPYTER, describeNeeding } from '../system_requirements';

const EXECUTE = path.join(PROJECT_ROOT, 'scripts', 'notebooks', 'execute.py');

describeNeeding(JUPYTER, 'notebooks: execute.py with the tslab kernel', function () {
  this.timeout(180_000);
  let tmp: string;
  before(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-nb-exec-'))));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  /** Executes a notebook of TypeScript `cells`; returns the exit status, stderr and the executed copy. */
  function execute(cells: string[]) {
    const nb = { nbformat: 4, nbformat_minor: 5, metadata: { kernelspec: { name: KERNEL_NAME, display_name: 'TypeScript', language: 'typescript' } }, cells: cells.map((source, i) => ({ id: `c${i}`, cell_type: 'code', source, metadata: {}, outputs: [], execution_count: null })) };
    const file = path.join(tmp, 'in.ipynb');
    const out = path.join(tmp, 'out.ipynb');
    fs.writeFileSync(file, JSON.stringify(nb));
    writeKernelSpec(path.join(tmp, 'jupyter'));
    const env = { ...process.env, JUPYTER_PATH: path.join(tmp, 'jupyter') };
    const r = spawnSync(findPython()!, [EXECUTE, file, out, KERNEL_NAME, '120'], { cwd: tmp, env, encoding: 'utf8', timeout: 170_000 });
    return { status: r.status, stderr: r.stderr, executed: readNotebook(out) };
  }

  it('runs every cell and keeps each result in the executed copy', () => {
    const { status, stderr, executed } = execute(['const n: number = 6 * 7;', 'console.log(`answer ${n}`);']);
    expect(status, stderr).to.equal(0);
    // a stream output's text is a string or a list of lines
    const printed = (executed.cells[1].outputs ?? []).map((o) => ([] as string[]).concat((o as { text?: string | string[] }).text ?? []).join('')).join('');
    expect(printed).to.contain('answer 42');
  });

  it('exits 1 on a failing cell, naming the cell and the compile error', () => {
    const { status, stderr } = execute(['const ok = 1;', 'const bad: number = "text";']);
    expect(status).to.equal(1);
    expect(stderr).to.match(/cell 1 failed/);
    expect(stderr).to.match(/not assignable to type 'number'/);
  });
});
