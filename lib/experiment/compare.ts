/**
 * The compare-objectives experiment: every arm on the same backbone, data, steps, batch and seeds,
 * each evaluated by every evaluator that applies, written as results.json, results.md, SVG plots
 * and report.html.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { MultiBar, Presets } from 'cli-progress';
import { BackendInfo } from '../backend';
import { applyOverrides, parseSetArg, validateConfig } from '../config';
import { Dataset, loadDataset } from '../data';
import { metricValues } from '../eval';
import { forwardFlops } from '../bench/flops';
import { ArmResult, CompareResults, writeReport } from '../report';
import { Rng } from '../random';
import { packageVersion } from '../version';
import { Arm, ARMS, ARM_REQUIREMENTS, armByName } from './arms';
import { ExperimentConfig, ExperimentConfigInput, ExperimentConfigSchema } from './config';
import { evaluateModel, subset } from './evaluate';
import { batchForStep, toTrainBatch, disposeTrainBatch, Experiment } from './setup';
import { runTraining } from './train_run';

/** One data setting: train on one spec, evaluate in-style (and cross-style). */
export interface DataSetting {
  name: string;
  train: string;
  /** Eval splits by metric prefix, e.g. { in: 'emoji:google', cross: 'emoji:twitter' } (test splits). */
  evalSpecs: Record<string, string>;
  arms: string[];
  /** `shapes`: training items. */
  trainSize?: number;
}

export interface ComparePreset {
  name: string;
  steps: number;
  batchSize: number;
  seeds: number[];
  /** Images per eval split (a seeded subset; undefined = all). */
  evalSize?: number;
  probe: { maxTrain: number; steps: number };
  settings: DataSetting[];
}

const ALL = ARMS.map((a) => a.name);
const emoji = (arms: string[]): DataSetting => ({
  name: 'emoji',
  train: 'emoji:google',
  evalSpecs: { in: 'emoji:google', cross: 'emoji:twitter' },
  arms,
});
const shapes = (arms: string[], trainSize: number): DataSetting => ({ name: 'shapes', train: 'shapes', evalSpecs: { in: 'shapes' }, arms, trainSize });

export const COMPARE_PRESETS: Record<string, ComparePreset> = {
  smoke: { name: 'smoke', steps: 3, batchSize: 8, seeds: [0], evalSize: 48, probe: { maxTrain: 120, steps: 20 }, settings: [emoji(ALL), shapes(['clip'], 64)] },
  // quick must finish in ≤ 10 minutes on 2 cores (wasm): 60 steps per arm, two arms on shapes
  quick: { name: 'quick', steps: 60, batchSize: 32, seeds: [0], evalSize: 400, probe: { maxTrain: 1000, steps: 100 }, settings: [emoji(ALL), shapes(['clip', 'maskvlm'], 2000)] },
  full: { name: 'full', steps: 1000, batchSize: 32, seeds: [0, 1, 2], probe: { maxTrain: 2500, steps: 200 }, settings: [emoji(ALL), shapes(ALL, 5000)] },
};

export interface CompareOptions {
  preset: string;
  out: string;
  /** Only these arms (names from ARMS). */
  arms?: string[];
  /** `--set key=value` overrides of each arm's experiment config (e.g. train.steps=20). */
  sets?: string[];
  backend: BackendInfo;
  quiet?: boolean;
}

/** The experiment config of one arm in one setting. */
export function armConfig(preset: ComparePreset, setting: DataSetting, arm: Arm, seed: number, sets: string[] = []): ExperimentConfig {
  const raw: ExperimentConfigInput = {
    description: `${arm.name} on ${setting.name}: ${arm.about}`,
    data: { train: setting.train, batchSize: preset.batchSize, maxLen: 16, vocabSize: 1000, size: setting.trainSize },
    model: { imageSize: 32, patchSize: 8, width: 128, depth: 2, heads: 4, embedDim: 128, ...arm.modules },
    objectives: arm.objectives,
    train: { steps: preset.steps, lr: 1e-3, warmupSteps: Math.max(1, Math.round(preset.steps / 10)), weightDecay: 0.05, logEvery: Math.max(1, Math.round(preset.steps / 15)), seed, quiet: true },
  };
  return validateConfig(ExperimentConfigSchema, applyOverrides(raw, sets.map(parseSetArg)), `arm ${arm.name} (--set)`);
}

/** A seeded subset of `n` items (all when n is undefined or larger). */
function limit(dataset: Dataset, n: number | undefined, seed: number): Dataset {
  if (n === undefined || n >= dataset.size) return dataset;
  return subset(dataset, new Rng(seed).permutation(dataset.size).slice(0, n).sort((a, b) => a - b));
}

/** Analytic model FLOPs of one training step: forward matmuls × 3. */
async function stepFlops(exp: Experiment): Promise<number> {
  const batch = toTrainBatch(batchForStep(exp.batcher, 1));
  const rng = new Rng(0);
  try {
    return 3 * (await forwardFlops(() => exp.objectives.loss({ model: exp.model, batch, rng, ctx: { training: true, rng } }).total));
  } finally {
    disposeTrainBatch(batch);
  }
}

async function runArm(
  preset: ComparePreset,
  setting: DataSetting,
  arm: Arm,
  seed: number,
  o: CompareOptions,
  evalSets: { name: string; dataset: Dataset }[],
  onStep: (s: number) => void,
): Promise<ArmResult> {
  const config = armConfig(preset, setting, arm, seed, o.sets);
  const label = setting.name === 'emoji' ? arm.name : `${arm.name}@${setting.name}`;
  const out = path.join(o.out, 'arms', `${label.replace(/[^\w@+.-]/g, '_')}-s${seed}`);
  const { experiment, result } = await runTraining(config, { out, overwrite: true, onStep });
  try {
    // the study reads values only until it takes the per-item samples for its intervals
    const metrics = metricValues(await evaluateModel({
      model: experiment.model,
      tokenizer: experiment.tokenizer,
      maxLen: config.data.maxLen,
      splits: evalSets,
      objectives: experiment.objectives,
      probe: { train: experiment.train, maxTrain: preset.probe.maxTrain, steps: preset.probe.steps },
      seed,
    }));
    const samples = result.history.length * config.data.batchSize * config.train.accumulate;
    return {
      name: label,
      objectives: arm.objectives.map((s) => ({ name: s.name, weight: s.weight ?? 1 })),
      seed,
      metrics,
      lossCurve: result.history.map((h) => ({ step: h.step, loss: h.loss, terms: h.terms })),
      wallTimeSec: result.seconds,
      samplesPerSec: samples / Math.max(1e-9, result.seconds),
      flopsPerStep: await stepFlops(experiment),
      steps: result.step,
      params: experiment.model.store.trainable().reduce((n, p) => n + p.variable.size, 0),
    };
  } finally {
    experiment.model.dispose();
  }
}

/** Run the study; writes the report into `o.out` and returns the results. */
export async function runCompare(o: CompareOptions): Promise<{ results: CompareResults; reportPath: string }> {
  const preset = COMPARE_PRESETS[o.preset];
  if (!preset) throw new Error(`unknown preset '${o.preset}' (presets: ${Object.keys(COMPARE_PRESETS).join(', ')})`);
  if (o.arms) o.arms.forEach(armByName);
  const runnable = (arm: string): boolean => {
    const status = ARM_REQUIREMENTS[arm]?.() ?? { ok: true };
    if (!status.ok) console.warn(`[mvlm] compare: arm ${arm} skipped: ${status.reason}`);
    return status.ok;
  };
  const selected = new Set(ARMS.map((a) => a.name).filter((a) => (!o.arms || o.arms.includes(a)) && preset.settings.some((s) => s.arms.includes(a)) && runnable(a)));
  const plan = preset.settings.map((s) => ({ ...s, arms: s.arms.filter((a) => selected.has(a)) })).filter((s) => s.arms.length > 0);
  if (plan.length === 0) throw new Error(`--arms ${o.arms?.join(',')} selects no arm of preset ${preset.name}`);
  const steps = (s: DataSetting) => armConfig(preset, s, armByName(s.arms[0]), 0, o.sets).train.steps;
  const totalSteps = plan.reduce((n, s) => n + s.arms.length * preset.seeds.length * steps(s), 0);
  fs.mkdirSync(o.out, { recursive: true });
  // a bar on a terminal; elsewhere (logs, CI) one line per arm: cli-progress 3.12 draws a MultiBar
  // off a TTY only once, at stop, with a total of 100 ("720/100 steps")
  const perArmLines = o.quiet || !process.stderr.isTTY;
  const bars = perArmLines ? null : new MultiBar({ format: ' {bar} {percentage}% | {value}/{total} steps | {arm} | ETA {eta_formatted}', hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
  const bar = bars?.create(totalSteps, 0, { arm: '' });
  const arms: ArmResult[] = [];
  let done = 0;
  const started = new Date();
  try {
    for (const setting of plan) {
      const evalSets = [];
      for (const [name, spec] of Object.entries(setting.evalSpecs)) {
        const dataset = await loadDataset(spec, { split: 'test', imageSize: 32, quiet: true });
        evalSets.push({ name, dataset: limit(dataset, preset.evalSize, 1234) });
      }
      for (const seed of preset.seeds) {
        for (const name of setting.arms) {
          bar?.update(done, { arm: `${name} (${setting.name}, seed ${seed})` });
          const base = done;
          const result = await runArm(preset, setting, armByName(name), seed, o, evalSets, (s) => bar?.update(base + s));
          done = base + steps(setting);
          arms.push(result);
          if (perArmLines) console.log(`${result.name} seed ${seed}: ${result.wallTimeSec.toFixed(1)} s, loss ${result.lossCurve.at(-1)?.loss.toFixed(3)}`);
        }
      }
    }
    bar?.update(done, { arm: 'done' });
  } finally {
    bars?.stop();
  }
  const results: CompareResults = {
    createdAt: started.toISOString(),
    preset: preset.name,
    config: { preset, arms: plan.map((s) => ({ setting: s.name, arms: s.arms })), sets: o.sets ?? [] },
    versions: { mvlm: packageVersion(), tfjs: tf.version.tfjs, node: process.versions.node },
    backend: o.backend.backend,
    seeds: preset.seeds,
    arms,
  };
  const paths = await writeReport(o.out, results);
  return { results, reportPath: paths.html };
}

