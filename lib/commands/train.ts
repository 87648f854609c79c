/**
 * `mvlm train --config NAME|PATH [--steps N] [--out DIR] [--resume DIR] [--set key=value]... [--workers N] [--overwrite] [--quiet]`
 * `mvlm train --list-configs`: the presets shipped with mvlm, one line each.
 * `--workers N`: data-parallel over N worker threads (each step's batch cut into N shards).
 */
import * as path from 'path';
import { Command } from 'commander';
import { initBackend } from '../backend';
import { listPresets, loadConfig, validateConfig, applyOverrides, parseSetArg } from '../config';
import { ExperimentConfigSchema, interruptExitCode, latestRunConfig, runTraining } from '../run';
import { collect, commandParser, integer, runCommand, runs } from './program';

interface TrainOptions {
  config?: string;
  listConfigs?: boolean;
  steps?: number;
  out?: string;
  resume?: string;
  set?: string[];
  workers?: number;
  overwrite?: boolean;
  quiet?: boolean;
}

export function trainParser(): Command {
  const cmd = commandParser('train', 'train a model from a config preset or JSON file')
    .option('--config <name|path>', 'preset name (see --list-configs) or path to a JSON config')
    .option('--list-configs', 'list the config presets with their descriptions and exit')
    .option('--steps <n>', 'training steps (same as --set train.steps=N)', integer(1))
    .option('--out <dir>', 'run folder (default runs/NAME-TIME)')
    .option('--resume <dir>', 'continue the run in DIR from its newest checkpoint')
    .option('--set <key=value>', 'override one config key, e.g. model.width=64 (repeatable)', collect)
    .option('--workers <n>', 'data-parallel over N worker threads', integer(1))
    .option('--overwrite', 'start over in an --out folder that already has checkpoints')
    .option('--quiet', 'no progress bar or log lines');
  return runs(cmd, train);
}

export function trainCommand(args: string[]): Promise<number> {
  return runCommand(trainParser(), args);
}

async function train(values: TrainOptions): Promise<number> {
  if (values.listConfigs) {
    const presets = listPresets();
    const width = Math.max(...presets.map((p) => p.name.length));
    for (const p of presets) console.log(`${p.name.padEnd(width)}  ${p.description}`);
    return 0;
  }
  const sets = [...(values.set ?? [])];
  if (values.steps !== undefined) sets.push(`train.steps=${values.steps}`);
  if (values.quiet) sets.push('train.quiet=true');
  const workers = values.workers;
  await initBackend();
  let config;
  let configFile: string;
  if (values.resume && !values.config) {
    // continue with the config the run was started with
    const saved = latestRunConfig(values.resume);
    configFile = saved.file;
    config = validateConfig(ExperimentConfigSchema, applyOverrides(saved.config, sets.map(parseSetArg)), configFile);
  } else {
    if (!values.config) throw new Error('train needs --config NAME|PATH (see mvlm train --help)');
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
