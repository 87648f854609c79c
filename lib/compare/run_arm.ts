/**
 * One arm, one seed: train with learning-curve evaluations, evaluate the final model with the full
 * protocol, keep the checkpoint under `arms/<label>-s<seed>/`. Returns the report's record of the
 * run (values) and the raw samples (items) the statistics need.
 */
import * as path from 'path';
import { Dataset } from '../data';
import { forwardFlops } from '../bench/flops';
import type { ArmResult } from '../report';
import { metricValues } from '../eval';
import { Rng } from '../random';
import type { CurvePoint, RunSamples, Sample } from '../stats';
import { Arm } from './arms';
import { EvalGroup, evaluateModel } from '../run/evaluate';
import { batchForStep, disposeTrainBatch, Experiment, toTrainBatch } from '../run/setup';
import { runTraining } from '../run/train_run';
import { armConfig, armLabel, ComparePreset, DataSetting } from './presets';

/**
 * The curves: these metric groups on the first eval split (in-style) only, so an evaluation during
 * training costs a few seconds (no probe, no alignment probe, no second split).
 */
export const CURVE_GROUPS: readonly EvalGroup[] = ['retrieval', 'zeroshot', 'recon'];
/** Images scored for reconstruction at a curve point (the final evaluation scores the whole split). */
const CURVE_RECONSTRUCTION_ITEMS = 128;

export interface ArmRun {
  result: ArmResult;
  samples: RunSamples;
}

export interface RunArmOptions {
  out: string;
  sets?: string[];
  evalSets: { name: string; dataset: Dataset }[];
  onStep: (step: number) => void;
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

/** The steps at which the curve is evaluated: every ⌈steps / points⌉ and the last. */
export function curveEvery(steps: number, points: number): number {
  return Math.max(1, Math.floor(steps / points));
}


export async function runArm(preset: ComparePreset, setting: DataSetting, arm: Arm, seed: number, o: RunArmOptions): Promise<ArmRun> {
  const config = armConfig(preset, setting, arm, seed, o.sets);
  const label = armLabel(setting, arm.name);
  const out = path.join(o.out, 'arms', `${label.replace(/[^\w@+.-]/g, '_')}-s${seed}`);
  // training time excludes the curve evaluations: the clock starts when training starts and every
  // evaluation's duration is taken off it. The last step's point is read off the final evaluation.
  const curve: { step: number; seconds: number; metrics: Record<string, Sample> }[] = [];
  let started = 0;
  let evalMs = 0;
  const curveSplit = o.evalSets[0];
  const curveOf = (all: Record<string, Sample>) =>
    Object.fromEntries(Object.entries(all).filter(([k]) => (CURVE_GROUPS as readonly string[]).includes(k.split('/')[0]) && k.split('/')[1] === curveSplit.name));
  const evalHook = (exp: Experiment) => {
    started = Date.now();
    return {
      every: curveEvery(config.train.steps, preset.curvePoints),
      run: async (step: number) => {
        const t0 = Date.now();
        const seconds = (t0 - started - evalMs) / 1000;
        if (step === config.train.steps) {
          curve.push({ step, seconds, metrics: {} }); // filled from the final evaluation below
          return {};
        }
        const metrics = await evaluateModel({
          model: exp.model, tokenizer: exp.tokenizer, maxLen: config.data.maxLen, splits: [curveSplit], objectives: exp.objectives, seed,
          groups: CURVE_GROUPS, reconstructionItems: CURVE_RECONSTRUCTION_ITEMS,
        });
        curve.push({ step, seconds, metrics });
        evalMs += Date.now() - t0;
        return metricValues(metrics);
      },
    };
  };
  const { experiment, result } = await runTraining(config, { out, overwrite: true, onStep: o.onStep, evalHook });
  try {
    const samples = await evaluateModel({
      model: experiment.model,
      tokenizer: experiment.tokenizer,
      maxLen: config.data.maxLen,
      splits: o.evalSets,
      objectives: experiment.objectives,
      probe: { train: experiment.train, maxTrain: preset.probe.maxTrain, steps: preset.probe.steps },
      seed,
    });
    const last = curve.at(-1);
    if (last && last.step === result.step) last.metrics = curveOf(samples);
    const flopsPerStep = await stepFlops(experiment);
    const trainSeconds = Math.max(1e-9, result.seconds - evalMs / 1000);
    const trained = result.history.length * config.data.batchSize * config.train.accumulate;
    const curvePoints: CurvePoint[] = curve.map((p) => ({ ...p, flops: p.step * flopsPerStep }));
    return {
      result: {
        name: label,
        objectives: arm.objectives.map((s) => ({ name: s.name, weight: s.weight ?? 1 })),
        seed,
        metrics: metricValues(samples),
        lossCurve: result.history.map((h) => ({ step: h.step, loss: h.loss, terms: h.terms })),
        curve: curvePoints.map((p) => ({ step: p.step, flops: p.flops, seconds: p.seconds, metrics: metricValues(p.metrics) })),
        wallTimeSec: trainSeconds,
        samplesPerSec: trained / trainSeconds,
        flopsPerStep,
        steps: result.step,
        batchSize: config.data.batchSize,
        params: experiment.model.store.trainable().reduce((n, p) => n + p.variable.size, 0),
      },
      samples: { arm: label, seed, metrics: samples, curve: curvePoints },
    };
  } finally {
    experiment.model.dispose();
  }
}
