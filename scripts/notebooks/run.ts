/**
 * Execute every notebook headless (Jupyter's nbclient + the tslab kernel) into notebooks/out/,
 * failing on any cell error, on a notebook without a picture, or past the time budget.
 *
 * Run: npm run notebooks                  (all of notebooks/*.ipynb; builds dist first)
 *      npm run notebooks -- 02            (only notebooks whose file name contains "02")
 * Env: MVLM_NOTEBOOK_BUDGET_S (default 180 s per notebook), PYTHON (a python3 with nbclient).
 * Needs: jupyter-nbconvert, python3-nbclient, jupyter-client (Debian names; see .ci/run).
 * Writes notebooks/out/<name>.ipynb and notebooks/out/timings.json.
 */
import { spawn, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { errorOutputs, imageOutputCount, readNotebook } from './check';
import { KERNEL_NAME, PROJECT_ROOT, linkSelfForNotebooks, writeKernelSpec } from './kernel';

const NOTEBOOKS = path.join(PROJECT_ROOT, 'notebooks');
const OUT = path.join(NOTEBOOKS, 'out');

export interface NotebookRun {
  notebook: string;
  seconds: number;
  ok: boolean;
  images: number;
  problem?: string;
}

/** Runs execute.py (nbclient) on one notebook, killing it once `budgetS` has passed. */
function execute(python: string, file: string, budgetS: number, env: NodeJS.ProcessEnv): Promise<{ code: number | null; log: string; timedOut: boolean }> {
  const args = [path.join(__dirname, 'execute.py'), file, path.join(OUT, path.basename(file)), KERNEL_NAME, String(budgetS)];
  return new Promise((resolve, reject) => {
    const child = spawn(python, args, { cwd: NOTEBOOKS, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.on('data', (d) => (log += d));
    child.stderr.on('data', (d) => (log += d));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGTERM');
    }, budgetS * 1000);
    child.on('error', (e) => {
      clearTimeout(timer);
      reject(new Error(`cannot start '${python}' (${e.message})`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, log, timedOut });
    });
  });
}

/** A python3 that can import nbclient: $PYTHON, else python3 on the PATH, else Debian's /usr/bin/python3. */
export function findPython(): string | null {
  const candidates = process.env.PYTHON ? [process.env.PYTHON] : ['python3', '/usr/bin/python3'];
  return candidates.find((py) => spawnSync(py, ['-c', 'import nbclient, nbformat'], { stdio: 'ignore' }).status === 0) ?? null;
}

async function runOne(python: string, file: string, budgetS: number, env: NodeJS.ProcessEnv): Promise<NotebookRun> {
  const name = path.basename(file);
  const t0 = Date.now();
  const r = await execute(python, file, budgetS, env);
  const seconds = (Date.now() - t0) / 1000;
  const run: NotebookRun = { notebook: name, seconds, ok: false, images: 0 };
  if (r.timedOut) return { ...run, problem: `over the ${budgetS} s budget (killed)` };
  if (r.code !== 0) return { ...run, problem: r.log.trim().slice(-3000) };
  const nb = readNotebook(path.join(OUT, name));
  const errors = errorOutputs(nb);
  run.images = imageOutputCount(nb);
  if (errors.length) return { ...run, problem: `error outputs: ${errors.join('; ')}` };
  if (run.images === 0) return { ...run, problem: 'no picture (image/png or image/svg+xml) in the outputs' };
  return { ...run, ok: true };
}

async function main(filters: string[]): Promise<number> {
  const budgetS = Number(process.env.MVLM_NOTEBOOK_BUDGET_S ?? 180);
  if (!fs.existsSync(path.join(PROJECT_ROOT, 'dist', 'lib', 'index.js'))) {
    console.error('notebooks: dist/ is missing; run `npm run build` first');
    return 1;
  }
  const python = findPython();
  if (!python) {
    console.error('notebooks: no python3 with nbclient found (set PYTHON to one).');
    console.error('Install Jupyter headless: apt-get install jupyter-nbconvert python3-nbclient jupyter-client');
    return 1;
  }
  // A private kernel registry under out/: CI and this script never touch the user's Jupyter setup.
  const jupyterPath = path.join(OUT, 'jupyter');
  writeKernelSpec(jupyterPath);
  linkSelfForNotebooks(NOTEBOOKS);
  const env = { ...process.env, JUPYTER_PATH: [jupyterPath, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter) };

  const files = fs.readdirSync(NOTEBOOKS).filter((f) => f.endsWith('.ipynb') && (filters.length === 0 || filters.some((s) => f.includes(s)))).sort();
  if (files.length === 0) {
    console.error(`notebooks: no notebook in ${NOTEBOOKS} matches ${filters.join(', ') || '*.ipynb'}`);
    return 1;
  }
  console.log(`notebooks: ${files.length} to run (nbclient via ${python}), budget ${budgetS} s each`);
  const runs: NotebookRun[] = [];
  for (const f of files) {
    const run = await runOne(python, path.join(NOTEBOOKS, f), budgetS, env);
    runs.push(run);
    console.log(`  ${run.ok ? 'ok  ' : 'FAIL'} ${f.padEnd(34)} ${run.seconds.toFixed(1).padStart(6)} s  ${run.images} picture(s)`);
    if (run.problem) console.log(run.problem.replace(/^/gm, '       '));
  }
  fs.writeFileSync(path.join(OUT, 'timings.json'), JSON.stringify({ budgetS, date: new Date().toISOString(), runs }, null, 2) + '\n');
  const failed = runs.filter((r) => !r.ok);
  console.log(failed.length ? `notebooks: ${failed.length} of ${runs.length} failed` : `notebooks: all ${runs.length} passed; executed copies in ${path.relative(PROJECT_ROOT, OUT)}/`);
  return failed.length ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (e: Error) => {
      console.error(`notebooks: ${e.message}`);
      process.exitCode = 1;
    },
  );
}
