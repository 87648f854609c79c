/**
 * The full preset check: every preset trains 60 steps; the mean loss of the last 10 steps must
 * be well below the first 10. Prints a markdown table (step time, first/last loss) and exits 1 if
 * any preset fails.
 *   npx ts-node scripts/check_presets.ts [--steps 60] [--presets clip,mae] [--set key=value]...
 */
import * as fs from 'fs';
import { parseArgs } from 'util';
import { initBackend } from '../lib/backend';
import { loadConfig } from '../lib/config';
import { ExperimentConfigSchema, runTraining } from '../lib/run';
import { useFilesStatus } from '../lib/pretrained';

/** "Well below": the last-10 mean under 95 % of the first-10 mean. */
const MAX_RATIO = 0.95;

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: { steps: { type: 'string', default: '60' }, presets: { type: 'string' }, set: { type: 'string', multiple: true } },
  });
  const backend = await initBackend();
  const steps = Number(values.steps);
  const all = fs.readdirSync('experiments/configs').filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5));
  const names = values.presets ? values.presets.split(',') : all.filter((n) => n !== 'lit_uL_use' || useFilesStatus().ok);
  const rows: string[] = ['| preset | s/step | loss first 10 | loss last 10 | last/first | ok |', '|---|---|---|---|---|---|'];
  let failed = 0;
  for (const name of names) {
    const { config } = loadConfig(ExperimentConfigSchema, name, [`train.steps=${steps}`, 'train.logEvery=1', 'train.quiet=true', ...(values.set ?? [])]);
    const { experiment, result } = await runTraining(config);
    experiment.model.dispose();
    const mean = (xs: { loss: number }[]) => xs.reduce((s, x) => s + x.loss, 0) / xs.length;
    const first = mean(result.history.slice(0, 10));
    const last = mean(result.history.slice(-10));
    const ok = last < MAX_RATIO * first;
    if (!ok) failed++;
    rows.push(`| ${name} | ${(result.seconds / steps).toFixed(2)} | ${first.toFixed(3)} | ${last.toFixed(3)} | ${(last / first).toFixed(2)} | ${ok ? 'yes' : 'NO'} |`);
    console.error(rows[rows.length - 1]);
  }
  console.log(`\n${steps} steps per preset on ${backend.backend}\n\n${rows.join('\n')}`);
  return failed ? 1 : 0;
}

main().then((code) => process.exit(code));
