/** `mvlm bench [--json] [--config tiny|small|all] [--steps N] [--no-objectives] [--no-flip] [--parallel]`. */
import { initBackend } from '../backend';
import { BenchConfig, SMALL, TINY, formatBench, runBench } from '../bench';

export const BENCH_USAGE = 'bench [--json] [--config tiny|small|all] [--steps N] [--parallel] [--no-objectives] [--no-flip]   training-step time, MFU, top kernels';

function flagValue(args: string[], flag: string): string | undefined {
  const i = args.indexOf(flag);
  if (i < 0) return undefined;
  const v = args[i + 1];
  if (v === undefined || v.startsWith('--')) throw new Error(`${flag} needs a value`);
  return v;
}

export async function benchCommand(args: string[]): Promise<number> {
  const known = new Set(['--json', '--config', '--steps', '--no-objectives', '--no-flip', '--parallel']);
  const unknown = args.filter((a, i) => a.startsWith('--') && !known.has(a) && !['--config', '--steps'].includes(args[i - 1]));
  if (unknown.length) throw new Error(`bench: unknown option(s) ${unknown.join(', ')}\nusage: mvlm ${BENCH_USAGE}`);
  const json = args.includes('--json');
  const which = flagValue(args, '--config') ?? 'all';
  const table: Record<string, BenchConfig[]> = { tiny: [TINY], small: [SMALL], all: [TINY, SMALL] };
  const configs = table[which];
  if (!configs) throw new Error(`bench: --config must be tiny, small or all, got '${which}'`);
  const stepsArg = flagValue(args, '--steps');
  const steps = stepsArg === undefined ? 10 : Number(stepsArg);
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`bench: --steps must be a positive integer, got '${stepsArg}'`);
  await initBackend({ quiet: json });
  const result = await runBench({
    configs,
    steps,
    objectives: !args.includes('--no-objectives'),
    flip: !args.includes('--no-flip'),
    parallel: args.includes('--parallel'),
    onRow: (row) => console.error(`[bench] ${row.name}: ${row.stepMs.toFixed(1)} ms/step, MFU ${row.mfu.toFixed(2)}`),
  });
  console.log(json ? JSON.stringify(result) : formatBench(result));
  return 0;
}
