/** `mvlm compare [--preset smoke|quick|full] [--arms a,b,c] [--set key=value]... [--out DIR] [--quiet]` */
import * as path from 'path';
import { parseArgs } from 'util';
import { initBackend } from '../backend';
import { COMPARE_PRESETS, runCompare } from '../experiment';
import { resultsText } from '../report';

export const COMPARE_USAGE = `compare [--preset ${Object.keys(COMPARE_PRESETS).join('|')}] [--arms a,b,c] [--set key=value]... [--out DIR] [--quiet]`;

export async function compareCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      preset: { type: 'string', default: 'quick' },
      arms: { type: 'string' },
      set: { type: 'string', multiple: true },
      out: { type: 'string' },
      quiet: { type: 'boolean' },
    },
    strict: true,
  });
  const backend = await initBackend();
  const preset = values.preset!;
  const out = values.out ?? path.join('runs', `compare-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const t0 = Date.now();
  const { results, reportPath } = await runCompare({
    preset,
    out,
    arms: values.arms?.split(',').map((a) => a.trim()).filter(Boolean),
    sets: values.set,
    backend,
    quiet: values.quiet,
  });
  console.log('');
  console.log(resultsText(results));
  console.log('\nFindings (paired differences, 95 % intervals; * = the interval excludes 0):');
  for (const f of results.findings) console.log(`${f.significant ? '*' : ' '} ${f.claim}`);
  if (results.skippedFindings.length) console.log(`  (${results.skippedFindings.length} more not answered by this run: see the report)`);
  console.log(`\n${results.arms.length} arm runs, preset ${preset}, ${((Date.now() - t0) / 1000).toFixed(0)} s on ${backend.backend}`);
  console.log(`report: ${reportPath}`);
  return 0;
}
