/**
 * The training loop. It knows nothing about models: a `TrainTask` brings a ParamStore, batches
 * and a loss returning named scalar terms; the trainer does AdamW, the lr schedule, clipping,
 * accumulation, metrics, checkpoints, resume and the NaN stop.
 *
 * Steps are 1-based: step s is the s-th optimizer update; `checkpoints/step-s` and the metrics
 * line for s hold the state after it. Reads: loss values stay on device (one growing [S, terms]
 * buffer) and are read once per log interval, and always before a checkpoint or an eval, so
 *  - a NaN/Inf is attributed to the exact step and term that first produced it (every row is checked),
 *  - a checkpoint is written only after every step up to it was checked: no NaN state is ever saved.
 * On a NaN the run throws NonFiniteLossError and stops; the last checkpoint is the last good state.
 * (The alternative, keeping a copy of the last good weights in memory, doubles memory and copies
 * every parameter every step; rolling back to disk is what a restart with `resume` does anyway.)
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import type { ParamStore } from '../core/params';
import { Rng } from '../random';
import { validateConfig } from '../config/validate';
import { AccumulatedStep, GradAccumulator, LossOutput } from './accumulate';
import { AdamW } from './adamw';
import { checkpointsDir, disposeCheckpoint, refuseExistingCheckpoints, listCheckpoints, loadCheckpoint, newestGoodCheckpoint, saveCheckpoint } from './checkpoint';
import { clipByGlobalNorm } from './clip_grad';
import { MetricsLine, MetricsLog } from './metrics';
import { LossMonitor, NonFiniteLossError, StepRecord } from './monitor';
import { ResolvedTrainConfig, RunOptions, TrainConfig, trainOptionsSchema } from './options';
import { Progress } from './progress';
import { lrAt, ScheduleOptions } from './schedule';

export interface TrainTask<B> {
  /** Every parameter, created before `train` is called (checkpoints save and restore exactly these). */
  store: ParamStore;
  /** One micro-batch forward; runs inside tf.variableGrads. Scalars only; terms are logged by name. */
  loss(batch: B, step: number, rng: Rng): LossOutput;
  /** The data for micro-batch `micro` of step `step`; draw randomness from `rng` only. */
  nextBatch(step: number, rng: Rng, micro: number): B;
  /** Free a batch after its micro-step (tensors the batch owns). */
  disposeBatch?(batch: B): void;
  /** Samples in a batch, for samples/s (default: leading dim of the batch or of its first tensor field). */
  batchSize?(batch: B): number;
  /** After every optimizer update (run in tf.tidy), e.g. clamp the logit scale to [0, ln 100]. */
  afterStep?(step: number): void;
  /** JSON-serialisable state saved in checkpoints (data cursor, task RNGs), and its restore. */
  extraState?(): unknown;
  restoreExtraState?(state: unknown): void;
  /**
   * The steps' records as the trainer reads them (at every log, eval and checkpoint step), each
   * step once, before that step's checkpoint is written: what a resumed run cannot recompute.
   */
  onRecords?(records: StepRecord[]): void;
  /** Evaluation every `every` steps and at the last step; results go to metrics.jsonl as `eval`. */
  evalHook?: { every: number; run(step: number): Promise<Record<string, number>> };
  /**
   * Data-parallel hook: when present, the trainer awaits it for step `step`'s mean gradients
   * instead of running nextBatch/loss/accumulation itself (lib/parallel's workers). `rng` is the
   * run's loss stream; the hook draws the step's randomness from it (and advances it), so resume
   * stays exact. The trainer owns and disposes the returned tensors.
   */
  gradients?(step: number, rng: Rng): Promise<TaskGradients>;
}

/** What a `gradients` hook returns: the step's mean gradients and loss values, and its sample count. */
export interface TaskGradients extends AccumulatedStep {
  samples: number;
}

export interface TrainResult {
  /** Every step run by this call (a resumed run starts after its checkpoint). */
  history: StepRecord[];
  /** Last completed step. */
  step: number;
  lastCheckpoint: string | null;
  evals: { step: number; results: Record<string, number> }[];
  seconds: number;
  /** Set when `signal` stopped the run early: the abort reason (e.g. 'SIGINT'); `lastCheckpoint` holds step `step`. */
  interrupted?: string;
}

/** What `train` writes to state.json (plus `step`, `config`, `meta`). */
interface SavedState {
  rng: { data: number; loss: number };
  task?: unknown;
  train: ResolvedTrainConfig & { decaySteps: number };
}

export async function train<B>(task: TrainTask<B>, options: TrainConfig & RunOptions): Promise<TrainResult> {
  const t0 = Date.now();
  const { out, resume, resumeFrom, overwrite, config, meta, files, signal, ...rest } = options;
  const o = validateConfig(trainOptionsSchema, rest, 'train options');
  const schedule: ScheduleOptions = { lr: o.lr, warmupSteps: o.warmupSteps, decaySteps: o.decaySteps ?? o.steps, minLrRatio: o.minLrRatio };
  const train = { ...o, decaySteps: schedule.decaySteps };
  const root = new Rng(o.seed);
  const rngs = { data: root.fork('data'), loss: root.fork('loss') };
  const acc = new GradAccumulator(task.store);
  const optimizer = new AdamW(task.store, { betas: o.betas, eps: o.eps, weightDecay: o.weightDecay, lrMultipliers: o.lrMultipliers as Record<string, number> });
  const monitor = new LossMonitor();
  let step = 0;
  let lastCheckpoint: string | null = null;
  let progress: Progress | null = null;
  try {
    if (resume) {
      if (!out) throw new Error('train: resume needs `out` (the run folder to continue)');
      lastCheckpoint = resumeFrom ?? newestGoodCheckpoint(out);
      step = restore(lastCheckpoint, task, optimizer, rngs, train, o.quiet);
    } else if (out && listCheckpoints(out).length > 0) {
      if (!overwrite) refuseExistingCheckpoints(out);
      fs.rmSync(checkpointsDir(out), { recursive: true, force: true });
    }
    const metrics = out ? new MetricsLog(out, resume ? step : null) : null;
    const save = (s: number) =>
      saveCheckpoint({
        out: out!,
        step: s,
        model: new Map(task.store.list().map((p) => [p.name, p.variable])),
        optimizer: optimizer.stateTensors(),
        optimizerMeta: { step: String(optimizer.step) },
        state: { rng: { data: rngs.data.getState(), loss: rngs.loss.getState() }, task: task.extraState?.(), train, config, meta } satisfies SavedState & { config: unknown; meta: unknown },
        files,
        keep: o.keepCheckpoints,
      });

    progress = new Progress(o.steps, step, o.quiet);
    const history: StepRecord[] = [];
    const evals: TrainResult['evals'] = [];
    let interval: StepRecord[] = [];
    let samples = 0;
    let clock = Date.now();
    let paused = 0;
    let interrupted: string | undefined;
    while (step < o.steps) {
      const s = step + 1;
      const lr = lrAt(s - 1, schedule);
      let stepGrads: AccumulatedStep;
      if (task.gradients) {
        const g = await task.gradients(s, rngs.loss);
        samples += g.samples;
        stepGrads = g;
      } else {
        for (let i = 0; i < o.accumulate; i++) {
          const batch = task.nextBatch(s, rngs.data, i);
          try {
            samples += batchSizeOf(task, batch);
            const rng = microStepRng(rngs.loss);
            acc.add(() => task.loss(batch, s, rng));
          } finally {
            task.disposeBatch?.(batch);
          }
        }
        stepGrads = acc.finish();
      }
      const { grads, total, terms } = stepGrads;
      const clipped = clipByGlobalNorm(Object.fromEntries(grads), o.clipNorm);
      try {
        optimizer.apply(new Map(Object.entries(clipped.grads)), lr);
        monitor.push(s, total, terms, clipped.norm);
      } finally {
        tf.dispose([...grads.values(), ...Object.values(clipped.grads), clipped.norm, total, ...Object.values(terms)]);
      }
      if (task.afterStep) tf.tidy(() => task.afterStep!(s));
      step = s;
      progress.tick(s);
      if (signal) {
        // let a pending SIGINT/SIGTERM handler run between steps (the step itself is synchronous)
        await new Promise((resolve) => setImmediate(resolve));
        if (signal.aborted) interrupted = String(signal.reason ?? 'abort');
      }

      const last = s === o.steps;
      const stopping = last || interrupted !== undefined;
      const doEval = task.evalHook !== undefined && (s % task.evalHook.every === 0 || last);
      const doLog = s % o.logEvery === 0 || stopping || doEval;
      const doSave = out !== undefined && ((o.checkpointEvery > 0 && s % o.checkpointEvery === 0) || stopping);
      if (!(doLog || doSave)) continue;
      const read = await monitor.flush(); // throws at the first non-finite step
      interval.push(...read);
      history.push(...read);
      task.onRecords?.(read);
      let evalResults: Record<string, number> | undefined;
      if (doEval) {
        const e0 = Date.now();
        evalResults = await task.evalHook!.run(s);
        evals.push({ step: s, results: evalResults });
        paused += Date.now() - e0;
      }
      if (doLog) {
        const seconds = Math.max(1e-3, (Date.now() - clock - paused) / 1000);
        const line = summarize(interval, lr, samples / seconds, evalResults);
        metrics?.write(line);
        progress.report(s, line.loss, line.samplesPerSec);
        interval = [];
        samples = 0;
        clock = Date.now();
        paused = 0;
      }
      if (doSave) {
        const c0 = Date.now();
        lastCheckpoint = await save(s);
        paused += Date.now() - c0;
      }
      if (interrupted !== undefined) break;
    }
    return { history, step, lastCheckpoint, evals, seconds: (Date.now() - t0) / 1000, ...(interrupted !== undefined ? { interrupted } : {}) };
  } catch (e) {
    if (e instanceof NonFiniteLossError) {
      const kept = lastCheckpoint ? `last good checkpoint: ${lastCheckpoint}` : 'no checkpoint was written';
      throw new NonFiniteLossError(e.step, e.term, e.value, `${e.message}; run stopped, ${kept}`);
    }
    throw e;
  } finally {
    progress?.stop();
    acc.dispose();
    monitor.dispose();
    optimizer.dispose();
  }
}

/** Load a checkpoint into the store, optimizer, RNGs and task; returns its step. */
function restore(dir: string, task: TrainTask<unknown>, optimizer: AdamW, rngs: { data: Rng; loss: Rng }, now: SavedState['train'], quiet: boolean): number {
  const ck = loadCheckpoint(dir);
  try {
    task.store.assign(ck.model);
    optimizer.loadState(ck.optimizer, Number(ck.optimizerMeta.step ?? ck.step));
  } finally {
    disposeCheckpoint(ck);
  }
  const saved = ck.state as unknown as SavedState;
  rngs.data.setState(saved.rng.data);
  rngs.loss.setState(saved.rng.loss);
  if (saved.task !== undefined && saved.task !== null) {
    if (!task.restoreExtraState) throw new Error(`${dir}: the checkpoint has task state but the task has no restoreExtraState`);
    task.restoreExtraState(saved.task);
  }
  const changed = (['lr', 'warmupSteps', 'decaySteps', 'minLrRatio', 'accumulate', 'seed'] as const).filter((k) => saved.train?.[k] !== now[k]);
  if (changed.length > 0 && !quiet) {
    console.warn(`resume ${dir}: ${changed.map((k) => `${k} ${saved.train?.[k]} -> ${now[k]}`).join(', ')} (the run will not match an uninterrupted one)`);
  }
  return ck.step;
}

/** One metrics line: interval means of loss, terms and grad norm. */
function summarize(recs: StepRecord[], lr: number, samplesPerSec: number, evalResults?: Record<string, number>): MetricsLine {
  const mean = (f: (r: StepRecord) => number) => recs.reduce((a, r) => a + f(r), 0) / recs.length;
  const line: MetricsLine = { step: recs[recs.length - 1].step, loss: mean((r) => r.loss), lr, samplesPerSec, numTensors: tf.memory().numTensors };
  for (const name of Object.keys(recs[0].terms)) line[name] = mean((r) => r.terms[name]);
  line.gradNorm = mean((r) => r.gradNorm);
  if (evalResults) line.eval = evalResults;
  return line;
}

/**
 * A micro-step's randomness: an rng at the loss stream's current state, the stream moved on one
 * draw, as the data-parallel `gradients` hook does (so in-process and 1-worker runs draw alike).
 * Losses mostly fork named streams, which do not advance their parent: without this every step
 * would draw the same masks and negatives.
 */
function microStepRng(stream: Rng): Rng {
  const rng = new Rng(0);
  rng.setState(stream.getState());
  stream.next();
  return rng;
}

function batchSizeOf<B>(task: TrainTask<B>, batch: B): number {
  if (task.batchSize) return task.batchSize(batch);
  if (batch instanceof tf.Tensor) return batch.shape[0] ?? 1;
  if (batch && typeof batch === 'object') {
    const first = Object.values(batch).find((v) => v instanceof tf.Tensor) as tf.Tensor | undefined;
    if (first) return first.shape[0] ?? 1;
  }
  return 1;
}
