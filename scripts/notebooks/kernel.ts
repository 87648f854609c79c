/**
 * Register the tslab TypeScript kernel with Jupyter, without IPython: write the kernel.json that
 * starts this project's own tslab (node_modules/tslab) with the node that runs this script.
 *
 * Run: npm run notebooks:kernel                 (per-user: the Jupyter data dir, kernels/tslab)
 *      npm run notebooks:kernel -- --prefix DIR (DIR/share/jupyter/kernels/tslab, e.g. a venv)
 * Then: jupyter notebook notebooks/   (or jupyter lab) and pick the "TypeScript (mvlm)" kernel.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readJsonFile } from '../../lib/io/json';

/** Kernel name used in every notebook's metadata (the name tslab's own installer uses). */
export const KERNEL_NAME = 'tslab';

export const PROJECT_ROOT = path.resolve(__dirname, '..', '..');

/** The kernel.json object: node + this project's tslab, connection file passed as tslab expects. */
export function kernelSpec(opts: { node?: string; tslabBin?: string } = {}): Record<string, unknown> {
  const node = opts.node ?? process.execPath;
  const tslabBin = opts.tslabBin ?? require.resolve('tslab/bin/tslab', { paths: [PROJECT_ROOT] });
  return {
    // tslab wants --config-path and {connection_file} as two arguments (tslab issue #36).
    argv: [node, tslabBin, 'kernel', '--config-path', '{connection_file}'],
    display_name: 'TypeScript (mvlm)',
    language: 'typescript',
  };
}

/** Jupyter's per-user data dir, as jupyter_core computes it (JUPYTER_DATA_DIR wins). */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: string = process.platform): string {
  if (env.JUPYTER_DATA_DIR) return env.JUPYTER_DATA_DIR;
  const home = os.homedir();
  if (platform === 'darwin') return path.join(home, 'Library', 'Jupyter');
  if (platform === 'win32') return path.join(env.APPDATA ?? path.join(home, 'AppData', 'Roaming'), 'jupyter');
  return path.join(env.XDG_DATA_HOME ?? path.join(home, '.local', 'share'), 'jupyter');
}

/** Writes `<dataDir>/kernels/<name>/kernel.json`; returns the kernel directory. */
export function writeKernelSpec(dataDir: string, name: string = KERNEL_NAME): string {
  const dir = path.join(dataDir, 'kernels', name);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'kernel.json'), JSON.stringify(kernelSpec(), null, 2) + '\n');
  return dir;
}

/**
 * Makes `import ... from 'mvlm'` and `'mvlm/losses'` work in notebooks as in a user's project.
 * tslab compiles with Node10 module resolution, which ignores the "exports" map (and so package
 * self-reference), so `notebooks/node_modules/mvlm` (git-ignored) gets one stub per entry of the
 * exports map: `<entry>.d.ts` re-exports the built types, `<entry>.js` requires the built file
 * (inside this repo Node resolves 'mvlm' at run time by package self-reference anyway).
 */
export function linkSelfForNotebooks(notebooksDir: string = path.join(PROJECT_ROOT, 'notebooks')): string {
  const pkg = readJsonFile(path.join(PROJECT_ROOT, 'package.json'), 'package.json') as {
    name: string;
    exports: Record<string, string | { types?: string; default?: string }>;
  };
  const dir = path.join(notebooksDir, 'node_modules', pkg.name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  for (const [key, target] of Object.entries(pkg.exports)) {
    if (typeof target === 'string' || !target.default || !target.types) continue; // e.g. ./package.json
    const name = key === '.' ? 'index' : key.replace(/^\.\//, '');
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    const at = (file: string) => path.relative(path.dirname(path.join(dir, name)), path.join(PROJECT_ROOT, file)).split(path.sep).join('/');
    fs.writeFileSync(path.join(dir, `${name}.js`), `module.exports = require('${at(target.default)}');\n`);
    fs.writeFileSync(path.join(dir, `${name}.d.ts`), `export * from '${at(target.types).replace(/\.d\.ts$/, '')}';\n`);
  }
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: pkg.name, private: true, main: 'index.js', types: 'index.d.ts' }, null, 2) + '\n');
  return dir;
}

function main(argv: string[]): number {
  const i = argv.indexOf('--prefix');
  if (i >= 0 && !argv[i + 1]) {
    console.error('notebooks:kernel: --prefix needs a directory');
    return 2;
  }
  const dataDir = i >= 0 ? path.join(path.resolve(argv[i + 1]), 'share', 'jupyter') : userDataDir();
  const dir = writeKernelSpec(dataDir);
  const link = linkSelfForNotebooks();
  console.log(`kernel spec "${KERNEL_NAME}" written to ${dir}`);
  console.log(`wrote ${path.relative(PROJECT_ROOT, link)} (so notebooks import 'mvlm' as a user would)`);
  if (!fs.existsSync(path.join(PROJECT_ROOT, 'dist', 'lib', 'index.js'))) console.log('note: run `npm run build` before opening the notebooks');
  return 0;
}

if (require.main === module) process.exitCode = main(process.argv.slice(2));
