/** The committed notebooks (clean, tslab kernel, public imports only) and the runner's checks. */
import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Notebook, cellsWithOutputs, errorOutputs, imageOutputCount, importsOf, nonPublicImports, readNotebook, sourceOf } from '../../scripts/notebooks/check';
import { KERNEL_NAME, PROJECT_ROOT, kernelSpec, linkSelfForNotebooks, userDataDir, writeKernelSpec } from '../../scripts/notebooks/kernel';

const DIR = path.join(PROJECT_ROOT, 'notebooks');
const committed = fs.readdirSync(DIR).filter((f) => f.endsWith('.ipynb')).sort();

const code = (source: string, outputs: NonNullable<Notebook['cells'][number]['outputs']> = []) => ({ cell_type: 'code', source, outputs });
const nbOf = (...cells: Notebook['cells']): Notebook => ({ nbformat: 4, metadata: {}, cells });

describe('notebooks: the committed notebooks', () => {
  it('are the three the README lists', () => {
    expect(committed).to.deep.equal(['01_objectives_tour.ipynb', '02_train_a_masked_vlm.ipynb', '03_compare_objectives.ipynb']);
  });

  for (const file of committed) {
    it(`${file}: tslab kernel, no committed outputs, only public imports, shows pictures`, () => {
      const nb = readNotebook(path.join(DIR, file));
      expect(nb.metadata.kernelspec?.name).to.equal(KERNEL_NAME);
      expect(cellsWithOutputs(nb), 'cells with outputs (clear them before committing)').to.deep.equal([]);
      expect(nonPublicImports(nb)).to.deep.equal([]);
      expect(importsOf(nb)).to.include('mvlm');
      expect(nb.cells.some((c) => c.cell_type === 'code' && /display\.(png|svg)\(/.test(sourceOf(c)))).to.equal(true);
      expect(nb.cells[0].cell_type).to.equal('markdown');
    });
  }
});

describe('notebooks: checks on notebook JSON', () => {
  it('finds import, side-effect import, dynamic import and require specifiers', () => {
    const nb = nbOf(code(`import * as tf from '@tensorflow/tfjs';\nimport 'x-side';\nconst a = require("../lib/losses");\nconst b = await import('mvlm/lib/data');`));
    expect(importsOf(nb)).to.deep.equal(['../lib/losses', '@tensorflow/tfjs', 'mvlm/lib/data', 'x-side']);
    expect(nonPublicImports(nb)).to.deep.equal(['../lib/losses', 'mvlm/lib/data']);
    expect(nonPublicImports(nbOf(code(`import { clipLoss } from 'mvlm/losses';`)))).to.deep.equal([]);
  });

  it('counts picture outputs, collects errors and cells with outputs', () => {
    const nb = nbOf(
      { cell_type: 'markdown', source: '# t' },
      code('a', [{ output_type: 'display_data', data: { 'image/png': 'AAAA', 'text/plain': 'x' } }]),
      code('b', [{ output_type: 'display_data', data: { 'image/svg+xml': '<svg/>' } }, { output_type: 'stream' }]),
      code('c', [{ output_type: 'error', ename: 'TypeError', evalue: 'x is not a function' }]),
      code('d'),
    );
    expect(imageOutputCount(nb)).to.equal(2);
    expect(errorOutputs(nb)).to.deep.equal(['TypeError: x is not a function']);
    expect(cellsWithOutputs(nb)).to.deep.equal([1, 2, 3]);
  });
});

describe('notebooks: kernel spec and the mvlm stubs', () => {
  let tmp: string;
  beforeEach(() => (tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-nb-'))));
  afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

  it('writes kernel.json that starts this project\'s tslab with this node', () => {
    const dir = writeKernelSpec(tmp);
    expect(dir).to.equal(path.join(tmp, 'kernels', KERNEL_NAME));
    const spec = JSON.parse(fs.readFileSync(path.join(dir, 'kernel.json'), 'utf8'));
    expect(spec).to.deep.equal(kernelSpec());
    expect(spec.argv[0]).to.equal(process.execPath);
    expect(spec.argv[1]).to.equal(path.join(PROJECT_ROOT, 'node_modules', 'tslab', 'bin', 'tslab'));
    expect(spec.argv.slice(2)).to.deep.equal(['kernel', '--config-path', '{connection_file}']);
    expect(spec.language).to.equal('typescript');
  });

  it('finds the per-user Jupyter data dir as jupyter_core does', () => {
    expect(userDataDir({ JUPYTER_DATA_DIR: '/x/j' }, 'linux')).to.equal('/x/j');
    expect(userDataDir({ XDG_DATA_HOME: '/x/data' }, 'linux')).to.equal(path.join('/x/data', 'jupyter'));
    expect(userDataDir({}, 'darwin')).to.equal(path.join(os.homedir(), 'Library', 'Jupyter'));
  });

  it('writes one stub per entry of the exports map, each pointing at the built file', () => {
    const dir = linkSelfForNotebooks(tmp);
    const pkg = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8'));
    const entries = Object.entries(pkg.exports as Record<string, { default?: string }>).filter(([, t]) => typeof t === 'object' && t.default);
    expect(entries.length).to.be.greaterThan(1);
    for (const [key, target] of entries) {
      const name = key === '.' ? 'index' : key.slice(2);
      const js = fs.readFileSync(path.join(dir, `${name}.js`), 'utf8');
      const required = /require\('([^']+)'\)/.exec(js)![1];
      expect(path.resolve(path.dirname(path.join(dir, name)), required)).to.equal(path.join(PROJECT_ROOT, target.default!));
      expect(fs.existsSync(path.join(dir, `${name}.d.ts`))).to.equal(true);
    }
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).name).to.equal('mvlm');
  });
});
