/**
 * `mvlm compare [--preset smoke|quick|full] [--arms a,b,c] [--set key=value]... [--out DIR] [--quiet]`
 * `--queue redis://HOST:PORT`: the jobs run on `mvlm worker`s on any machine (lib/queue).
 */
import * as path from 'path';
import { Command, Option } from 'commander';
import { initBackend } from '../backend';
import { COMPARE_PRESETS, runCompare } from '../compare';
import { runCompareOnQueue, stopOnSignals } from '../queue';
import { resultsText } from '../report';
import { collect, commandParser, runCommand, runs } from './program';

interface CompareOptions {
  preset: string;
  arms?: string;
  set?: string[];
  out?: string;
  quiet?: boolean;
  queue?: string;
}

export function compareParser(): Command {
  const cmd = commandParser('compare', 'the compare-objectives study: every arm on the same budget, then an HTML report')
    .addOption(new Option('--preset <name>', 'study size').choices(Object.keys(COMPARE_PRESETS)).default('quick'))
    .option('--arms <a,b,c>', 'run only these arms (comma-separated)')
    .option('--set <key=value>', 'override one config key in every arm (repeatable)', collect)
    .option('--out <dir>', 'report folder (default runs/compare-TIME)')
    .option('--quiet', 'one line per arm instead of a progress bar')
    .option('--queue <url>', 'run the jobs on `mvlm worker`s through this Redis (redis://HOST:PORT)');
  return runs(cmd, compare);
}

export function compareCommand(args: string[]): Promise<number> {
  return runCommand(compareParser(), args);
}

async function compare(values: CompareOptions): Promise<number> {
  const backend = await initBackend();
  const preset = values.preset;
  const out = values.out ?? path.join('runs', `compare-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const t0 = Date.now();
  const study = { preset, out, arms: values.arms?.split(',').map((a) => a.trim()).filter(Boolean), sets: values.set, quiet: values.quiet };
  const stop = values.queue ? stopOnSignals() : null;
  const { results, reportPath } = await (values.queue ? runCompareOnQueue({ ...study, url: values.queue, signal: stop?.signal }) : runCompare({ ...study, backend })).finally(() => stop?.release());
  console.log('');
  console.log(resultsText(results));
  console.log('\nFindings (paired differences, 95 % intervals; * = the interval excludes 0):');
  for (const f of results.findings) console.log(`${f.significant ? '*' : ' '} ${f.claim}`);
  if (results.skippedFindings.length) console.log(`  (${results.skippedFindings.length} more not answered by this run: see the report)`);
  console.log(`\n${results.arms.length} arm runs, preset ${preset}, ${((Date.now() - t0) / 1000).toFixed(0)} s on ${backend.backend}`);
  console.log(`report: ${reportPath}`);
  return 0;
}
