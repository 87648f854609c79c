/**
 * `mvlm run-job SPEC [--index K] [--out DIR] [--quiet]`: run one job of a study (one arm × seed) from its
 * spec and write its record to DIR/jobs/<id>.json (checkpoint under DIR/arms/). SPEC is a file of
 * job specs as JSON lines (`mvlm compare --plan > plan.jsonl`), or `-` for stdin; --index picks
 * the K-th line (0-based: a SLURM array task id, a Kubernetes job completion index).
 */
import * as fs from 'fs';
import * as path from 'path';
import { Command } from 'commander';
import { initBackend } from '../backend';
import { finishedRecord, JobSpec, parseJobSpec, runJob, writeJobRecord } from '../compare';
import { commandParser, integer, runCommand, runs } from './program';

interface RunJobOptions {
  index?: number;
  out?: string;
  quiet?: boolean;
}

export function runJobParser(): Command {
  const cmd = commandParser('run-job', 'run one job of a compare study from its spec (see compare --plan) and write its record')
    .argument('<spec>', "file of job specs as JSON lines (one, or pick with --index), or '-' for stdin")
    .option('--index <k>', 'run the spec on line K (0-based) of a plan file', integer(0))
    .option('--out <dir>', 'study folder: the record goes to DIR/jobs/<id>.json (default runs/<study id>)')
    .option('--quiet', 'no progress lines');
  return runs(cmd, runJobCommandAction);
}

export function runJobCommand(args: string[]): Promise<number> {
  return runCommand(runJobParser(), args);
}

/** The spec on line `index` of `source` (the only one when index is undefined). */
export function readJobSpec(source: string, index: number | undefined): JobSpec {
  const name = source === '-' ? 'stdin' : source;
  if (source !== '-' && !fs.existsSync(source)) throw new Error(`run-job: spec file ${source} does not exist`);
  const lines = fs.readFileSync(source === '-' ? 0 : source, 'utf8').split('\n').map((l, i) => ({ text: l.trim(), line: i + 1 })).filter((l) => l.text);
  if (lines.length === 0) throw new Error(`run-job: ${name} holds no job spec`);
  if (index === undefined && lines.length > 1) throw new Error(`run-job: ${name} holds ${lines.length} job specs; pick one with --index 0..${lines.length - 1}`);
  const picked = lines[index ?? 0];
  if (!picked) throw new Error(`run-job: --index ${index} is past the last spec of ${name} (${lines.length} specs: 0..${lines.length - 1})`);
  return parseJobSpec(picked.text, `${name} line ${picked.line}`);
}

async function runJobCommandAction(values: RunJobOptions, [source]: string[]): Promise<number> {
  const spec = readJobSpec(source, values.index);
  const out = values.out ?? path.join('runs', spec.study.id);
  const old = finishedRecord(out, spec);
  if (old) {
    console.log(`job ${spec.id}: reused the record in ${out} (delete it to run the job again)`);
    return 0;
  }
  const backend = await initBackend({ quiet: values.quiet });
  let shown = -1;
  const every = Math.max(1, Math.round(spec.config.train.steps / 10));
  const record = await runJob(spec, {
    out,
    backend,
    onProgress: (p) => {
      if (values.quiet || (p.step % every !== 0 && p.step !== p.steps) || p.step === shown) return;
      shown = p.step;
      console.error(`[mvlm] job ${spec.id}: step ${p.step}/${p.steps}`);
    },
  });
  const file = writeJobRecord(out, record);
  console.log(`job ${spec.id} (arm ${spec.label}, seed ${spec.seed}): ${record.timing.seconds.toFixed(1)} s; record: ${file}`);
  return 0;
}
