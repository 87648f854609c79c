/**
 * Run: one job (one arm, one seed) from its spec alone. Train with learning-curve evaluations,
 * evaluate the final model with the full protocol, keep the checkpoint under
 * `<out>/arms/<label>-s<seed>/`, and return the job's record: the report's row (values), the raw
 * samples (items) the statistics need, and timings.
 */
import * as os from 'os';
import * as path from 'path';
import { BackendInfo, setNativeBlasThreads } from '../backend';
import { forwardFlops } from '../bench/flops';
import { Dataset, loadDataset } from '../data';
import { metricValues } from '../eval';
import { Rng } from '../random';
import { EvalGroup, evaluateModel, subset } from '../run/evaluate';
import { batchForStep, disposeTrainBatch, Experiment, toTrainBatch } from '../run/setup';
import { runTraining } from '../run/train_run';
import type { StepRecord } from '../train';
import type { CurvePoint, Sample } from '../stats';
import { type CurveDraft, JobProgressLog, resumableStep } from './job_resume';
import { JOB_FORMAT, type JobEvalSplit, type JobProgress, type JobRecord, type JobSpec, jobIdOf } from './job';

export interface RunJobOptions {
  /** The study folder: the checkpoint goes under `<out>/arms/<job id>/`. */
  out: string;
  backend: BackendInfo;
  /** Called after every optimizer step. */
  onProgress?: (p: JobProgress) => void;
  /**
   * Continue from the newest good checkpoint in the job's run folder, if it has one (a retried
   * job): the record equals an uninterrupted run's, timings aside. Otherwise start afresh.
   */
  resume?: boolean;
}

/** The job's run folder (checkpoints, metrics.jsonl) under the study folder `out`. */
export function jobRunDir(out: string, spec: JobSpec): string {
  return path.join(out, 'arms', jobIdOf(spec.label, spec.seed));
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

/** The eval split's test items: a subset seeded by the spec alone (the same items for every arm). */
async function loadEvalSplit(s: JobEvalSplit, imageSize: number): Promise<{ name: string; dataset: Dataset }> {
  const dataset = await loadDataset(s.spec, { split: 'test', imageSize, quiet: true });
  if (s.size === undefined || s.size >= dataset.size) return { name: s.name, dataset };
  return { name: s.name, dataset: subset(dataset, new Rng(s.subsetSeed).permutation(dataset.size).slice(0, s.size).sort((a, b) => a - b)) };
}

/** Train and evaluate the job's arm × seed; its randomness comes from the spec alone. */
export async function runJob(spec: JobSpec, o: RunJobOptions): Promise<JobRecord> {
  // OpenBLAS's sums depend on its thread count: one thread per job keeps a job's numbers the same
  // alone, beside others (--jobs N) or on a queue worker (jobs, not threads, use the cores)
  setNativeBlasThreads(1);
  const startedAt = new Date();
  const { config, label, seed, arm } = spec;
  const evalSets = [];
  for (const s of spec.eval.splits) evalSets.push(await loadEvalSplit(s, spec.eval.imageSize));
  const out = jobRunDir(o.out, spec);
  const resumeStep = o.resume ? resumableStep(out) : null;
  // what ran before the checkpoint a resumed job continues from (see job_resume.ts)
  const progress = new JobProgressLog(out, resumeStep);
  // training time excludes the curve evaluations: the clock starts when training starts and every
  // evaluation's duration is taken off it. The last step's point is read off the final evaluation.
  const curve: CurveDraft[] = [...progress.curve];
  let started = 0;
  let evalMs = 0;
  const trainedSeconds = () => progress.seconds + (Date.now() - started - evalMs) / 1000;
  const curveSplit = evalSets[0];
  const groups: readonly EvalGroup[] = spec.eval.curve.groups;
  const curveOf = (all: Record<string, Sample>) =>
    Object.fromEntries(Object.entries(all).filter(([k]) => (groups as readonly string[]).includes(k.split('/')[0]) && k.split('/')[1] === curveSplit.name));
  const evalHook = (exp: Experiment) => {
    started = Date.now();
    return {
      every: spec.eval.curve.every,
      run: async (step: number) => {
        const t0 = Date.now();
        const seconds = trainedSeconds();
        if (step === config.train.steps) {
          curve.push({ step, seconds, metrics: {} }); // filled from the final evaluation below
          progress.addCurve(curve.at(-1)!);
          return {};
        }
        const metrics = await evaluateModel({
          model: exp.model, tokenizer: exp.tokenizer, maxLen: config.data.maxLen, splits: [curveSplit], objectives: exp.objectives, seed,
          groups, reconstructionItems: spec.eval.curve.reconstructionItems,
        });
        curve.push({ step, seconds, metrics });
        progress.addCurve({ step, seconds, metrics });
        evalMs += Date.now() - t0;
        return metricValues(metrics);
      },
    };
  };
  const onStep = (step: number) => o.onProgress?.({ step, steps: config.train.steps });
  const onRecords = (records: StepRecord[]) => progress.addHistory(records, trainedSeconds());
  const resume = resumeStep !== null;
  const { experiment, result } = await runTraining(config, { out, resume, overwrite: !resume, onStep, onRecords, evalHook });
  const history = [...progress.history, ...result.history];
  try {
    const samples = await evaluateModel({
      model: experiment.model,
      tokenizer: experiment.tokenizer,
      maxLen: config.data.maxLen,
      splits: evalSets,
      objectives: experiment.objectives,
      probe: { train: experiment.train, maxTrain: spec.eval.probe.maxTrain, steps: spec.eval.probe.steps },
      seed,
    });
    const last = curve.at(-1);
    if (last && last.step === result.step) last.metrics = curveOf(samples);
    const flopsPerStep = await stepFlops(experiment);
    const trainSeconds = Math.max(1e-9, progress.seconds + result.seconds - evalMs / 1000);
    const trained = history.length * config.data.batchSize * config.train.accumulate;
    const curvePoints: CurvePoint[] = curve.map((p) => ({ ...p, flops: p.step * flopsPerStep }));
    const finishedAt = new Date();
    return {
      format: JOB_FORMAT,
      spec,
      result: {
        name: label,
        objectives: arm.objectives.map((s) => ({ name: s.name, weight: s.weight ?? 1 })),
        seed,
        metrics: metricValues(samples),
        lossCurve: history.map((h) => ({ step: h.step, loss: h.loss, terms: h.terms })),
        curve: curvePoints.map((p) => ({ step: p.step, flops: p.flops, seconds: p.seconds, metrics: metricValues(p.metrics) })),
        wallTimeSec: trainSeconds,
        samplesPerSec: trained / trainSeconds,
        flopsPerStep,
        steps: result.step,
        batchSize: config.data.batchSize,
        params: experiment.model.store.trainable().reduce((n, p) => n + p.variable.size, 0),
      },
      samples: { arm: label, seed, metrics: samples, curve: curvePoints },
      timing: {
        startedAt: startedAt.toISOString(),
        finishedAt: finishedAt.toISOString(),
        seconds: (finishedAt.getTime() - startedAt.getTime()) / 1000,
        backend: o.backend.backend,
        host: os.hostname(),
        pid: process.pid,
      },
    };
  } finally {
    experiment.model.dispose();
  }
}
