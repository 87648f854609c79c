/**
 * `mvlm train --config NAME|PATH [--steps N] [--out DIR] [--resume DIR] [--set key=value]... [--workers N] [--overwrite] [--quiet]`
 * `--workers N`: data-parallel over N worker threads (each step's batch cut into N shards).
 */
import * as path from 'path';
import { parseArgs } from 'util';
import { initBackend } from '../backend';
import { loadConfig, validateConfig, applyOverrides, parseSetArg } from '../config';
import { ExperimentConfigSchema, interruptExitCode, latestRunConfig, runTraining } from '../experiment';

export const TRAIN_USAGE = 'train --config NAME|PATH [--steps N] [--out DIR] [--resume DIR] [--set key=value]... [--workers N] [--overwrite] [--quiet]';

export async function trainCommand(args: string[]): Promise<number> {
  const { values } = parseArgs({
    args,
    options: {
      config: { type: 'string' },
      steps: { type: 'string' },
      out: { type: 'string' },
      resume: { type: 'string' },
      set: { type: 'string', multiple: true },
      workers: { type: 'string' },
      overwrite: { type: 'boolean' },
      quiet: { type: 'boolean' },
    },
    strict: true,
  });
  const sets = [...(values.set ?? [])];
  if (values.steps !== undefined) sets.push(`train.steps=${values.steps}`);
  if (values.quiet) sets.push('train.quiet=true');
  const workers = values.workers === undefined ? undefined : Number(values.workers);
  if (workers !== undefined && !(Number.isInteger(workers) && workers >= 1)) throw new Error(`--workers must be a positive integer, got '${values.workers}'`);
  await initBackend();
  let config;
  let configFile: string;
  if (values.resume && !values.config) {
    // continue with the config the run was started with
    const saved = latestRunConfig(values.resume);
    configFile = saved.file;
    config = validateConfig(ExperimentConfigSchema, applyOverrides(saved.config, sets.map(parseSetArg)), configFile);
  } else {
    if (!values.config) throw new Error(`train needs --config NAME|PATH\nusage: mvlm ${TRAIN_USAGE}`);
    ({ config, file: configFile } = loadConfig(ExperimentConfigSchema, values.config, sets));
  }
  const name = path.basename(configFile, '.json');
  const out = values.resume ?? values.out ?? path.join('runs', `${name}-${new Date().toISOString().replace(/[:.]/g, '-')}`);
  const { experiment, result } = await runTraining(config, { out, resume: values.resume !== undefined, overwrite: values.overwrite, configFile, workers, catchSignals: true });
  experiment.model.dispose();
  if (result.interrupted) return interruptExitCode(result.interrupted);
  const first = result.history.slice(0, 10);
  const last = result.history.slice(-10);
  const mean = (xs: { loss: number }[]) => xs.reduce((s, x) => s + x.loss, 0) / Math.max(1, xs.length);
  console.log(`${name}: ${result.step} steps in ${result.seconds.toFixed(1)} s; loss ${mean(first).toFixed(4)} (first 10) -> ${mean(last).toFixed(4)} (last 10)`);
  console.log(`run folder: ${out}`);
  return 0;
}
