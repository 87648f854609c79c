/**
 * `mvlm compare [--preset smoke|quick|full] [--arms a,b,c] [--set key=value]... [--out DIR] [--jobs N] [--quiet]`
 * `mvlm compare --plan [...]`: the study's job specs as JSON lines on stdout (nothing trained).
 * `mvlm compare --collect DIR [--out DIR2]`: a folder of job records to results.json and the report.
 * `mvlm compare --queue redis://HOST:PORT [...]`: the jobs run on `mvlm worker`s on any machine (lib/queue).
 */
import * as path from 'path';
import { Command, Option } from 'commander';
import { initBackend } from '../backend';
import { COMPARE_PRESETS, collectStudy, defaultJobs, JOBS_DIR, planStudy, readJobRecords, runCompare, toJobJson } from '../compare';
import { runCompareOnQueue, stopOnSignals } from '../queue';
import { CompareResults, resultsText } from '../report';
import { collect, commandParser, integer, runCommand, runs } from './program';

interface CompareOptions {
  preset: string;
  arms?: string;
  set?: string[];
  out?: string;
  jobs?: number;
  plan?: boolean;
  collect?: string;
  quiet?: boolean;
  queue?: string;
}

export function compareParser(): Command {
  const cmd = commandParser('compare', 'the compare-objectives study: every arm on the same budget, then an HTML report')
    .addOption(new Option('--preset <name>', 'study size').choices(Object.keys(COMPARE_PRESETS)).default('quick'))
    .option('--arms <a,b,c>', 'run only these arms (comma-separated)')
    .option('--set <key=value>', 'override one config key in every arm (repeatable)', collect)
    .option('--out <dir>', 'report folder (default runs/compare-TIME; with --collect, the records folder)')
    .option('--jobs <n>', `arm × seed jobs at once, each in its own process (default: cores, ${defaultJobs()} here; 1 = in this process)`, integer(1))
    .option('--plan', 'print the job specs as JSON lines (for `mvlm run-job`) and exit')
    .option('--collect <dir>', 'write results.json and the report from the job records in DIR/jobs/')
    .option('--quiet', 'one line per job instead of a progress display')
    .option('--queue <url>', 'run the jobs on `mvlm worker`s through this Redis (redis://HOST:PORT)');
  return runs(cmd, compare);
}

export function compareCommand(args: string[]): Promise<number> {
  return runCommand(compareParser(), args);
}

const armList = (arms?: string) => arms?.split(',').map((a) => a.trim()).filter(Boolean);

/** The results table, the findings, and where the report is. */
export function printResults(results: CompareResults, reportPath: string, footer: string): void {
  console.log('');
  console.log(resultsText(results));
  console.log('\nFindings (paired differences, 95 % intervals; * = the interval excludes 0):');
  for (const f of results.findings) console.log(`${f.significant ? '*' : ' '} ${f.claim}`);
  if (results.skippedFindings.length) console.log(`  (${results.skippedFindings.length} more not answered by this run: see the report)`);
  console.log(`\n${footer}`);
  console.log(`report: ${reportPath}`);
}

async function compare(values: CompareOptions): Promise<number> {
  if (values.plan && values.collect) throw new Error('compare: --plan and --collect exclude each other');
  if (values.plan) {
    for (const spec of planStudy({ preset: values.preset, arms: armList(values.arms), sets: values.set })) console.log(toJobJson(spec));
    return 0;
  }
  if (values.collect) {
    const records = readJobRecords(values.collect);
    const { results, reportPath } = await collectStudy(records, { out: values.out ?? values.collect });
    printResults(results, reportPath, `${records.length} job records from ${values.collect}, study ${records[0].spec.study.id}`);
    return 0;
  }
  const preset = values.preset;
  const out = values.out ?? path.join('runs', `compare-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  if (values.queue) return compareOnQueue(values.queue, { preset, out, arms: armList(values.arms), sets: values.set, quiet: values.quiet });
  const backend = await initBackend();
  const jobs = values.jobs ?? defaultJobs();
  const t0 = Date.now();
  if (!values.quiet) console.error(`[mvlm] compare: each finished job's record goes to ${path.join(out, JOBS_DIR)}/; a rerun with the same --out reuses them`);
  const { results, reportPath, reused } = await runCompare({ preset, out, arms: armList(values.arms), sets: values.set, backend, quiet: values.quiet, jobs });
  const reusedNote = reused.length ? `; ${reused.length} reused from ${path.join(out, JOBS_DIR)}/ (delete a record there to run its job again)` : '';
  const where = jobs === 1 ? 'in this process' : `in ${jobs} child processes`;
  printResults(results, reportPath, `${results.arms.length} arm runs, preset ${preset}, ${((Date.now() - t0) / 1000).toFixed(0)} s on ${backend.backend} ${where}${reusedNote}`);
  return 0;
}

async function compareOnQueue(url: string, study: { preset: string; out: string; arms?: string[]; sets?: string[]; quiet?: boolean }): Promise<number> {
  const t0 = Date.now();
  const stop = stopOnSignals();
  const { results, reportPath } = await runCompareOnQueue({ ...study, url, signal: stop.signal }).finally(stop.release);
  printResults(results, reportPath, `${results.arms.length} arm runs, preset ${study.preset}, ${((Date.now() - t0) / 1000).toFixed(0)} s on the workers of ${url} (${results.backend})`);
  return 0;
}
