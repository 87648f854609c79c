/** `mvlm bench [--json] [--config tiny|small|all] [--steps N] [--no-objectives] [--no-flip] [--parallel [--parallel-mode global|local|both]] [--torch]`. */
import { initBackend } from '../backend';
import { Command, Option } from 'commander';
import { BenchConfig, SMALL, TINY, formatBench, runBench } from '../bench';
import { commandParser, integer, runCommand, runs } from './program';

interface BenchOptions {
  json?: boolean;
  config: 'tiny' | 'small' | 'all';
  steps: number;
  objectives: boolean;
  flip: boolean;
  parallel?: boolean;
  torch?: boolean;
  parallelMode: 'global' | 'local' | 'both';
}

export function benchParser(): Command {
  const cmd = commandParser('bench', 'training-step time, MFU and top kernels')
    .option('--json', 'print the result as JSON')
    .addOption(new Option('--config <which>', 'model sizes to time').choices(['tiny', 'small', 'all']).default('all'))
    .option('--steps <n>', 'timed steps per row', integer(1), 10)
    .option('--parallel', 'a data-parallel row per config, 2 workers vs 1 (needs 2 free cores)')
    .option('--torch', 'time the same step in PyTorch (bench/torch_step.py, a python3 with torch) for the best-vs-PyTorch ratio')
    .addOption(
      new Option('--parallel-mode <mode>', "data-parallel loss: 'global' gathers features (every shard's loss is the whole batch's), 'local' the old per-shard loss, 'both' times them in alternation")
        .choices(['global', 'local', 'both'])
        .default('global'),
    )
    .option('--no-objectives', 'skip the row per registered objective on tiny')
    .option('--no-flip', 'skip the FLIP (patch dropout) row of each config');
  return runs(cmd, bench);
}

export function benchCommand(args: string[]): Promise<number> {
  return runCommand(benchParser(), args);
}

async function bench(values: BenchOptions): Promise<number> {
  const json = values.json;
  const table: Record<BenchOptions['config'], BenchConfig[]> = { tiny: [TINY], small: [SMALL], all: [TINY, SMALL] };
  const configs = table[values.config];
  const steps = values.steps;
  await initBackend({ quiet: json });
  const result = await runBench({
    configs,
    steps,
    objectives: values.objectives,
    flip: values.flip,
    parallel: values.parallel,
    torch: values.torch,
    parallelModes: values.parallelMode === 'both' ? ['global', 'local'] : [values.parallelMode],
    onRow: (row) => console.error(`[bench] ${row.name}: ${row.stepMs.toFixed(1)} ms/step, MFU ${row.mfu.toFixed(2)}`),
  });
  console.log(json ? JSON.stringify(result) : formatBench(result));
  return 0;
}
