/**
 * PyTorch's time for the same reference step (bench/torch_step.py: the model, objectives and batch
 * of lib/bench/configs.ts), run by a python3 that has torch, at 1 and 2 threads, so the bench can
 * set mvlm's best configuration beside PyTorch's best measured in the same run.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import { packageRoot } from '../version';

export interface TorchRow {
  config: string;
  threads: number;
  /** Median ms per step after 2 warm-up steps. */
  stepMs: number;
  torch: string;
  /** The first and the last step's loss (the same batch each step: it goes down). */
  losses: [number, number];
}

export const TORCH_SCRIPT = path.join(packageRoot(), 'bench', 'torch_step.py');

/** $MVLM_TORCH_PYTHON, else Debian's /usr/bin/python3, else python3 on the PATH: the first that imports torch. */
export function pythonWithTorch(): string | null {
  const candidates = process.env.MVLM_TORCH_PYTHON ? [process.env.MVLM_TORCH_PYTHON] : ['/usr/bin/python3', 'python3'];
  return candidates.find((py) => spawnSync(py, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) ?? null;
}

/** Time the reference step in PyTorch; throws naming the python and its stderr when the script fails. */
export function benchTorch(config: string, steps: number, threads: number[] = [1, 2], python = pythonWithTorch()): TorchRow[] {
  if (!python) throw new Error('bench --torch: no python3 with torch found (set MVLM_TORCH_PYTHON, or apt-get install python3-torch libopenblas0-pthread)');
  const args = [TORCH_SCRIPT, '--config', config, '--steps', String(steps), '--threads', threads.join(',')];
  const run = spawnSync(python, args, { encoding: 'utf8' });
  if (run.status !== 0) throw new Error(`bench --torch: ${python} ${args.join(' ')} exited ${run.status}: ${run.stderr.trim().split('\n').pop()}`);
  return run.stdout
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as TorchRow);
}
