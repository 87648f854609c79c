/** One training run of an experiment config: the TrainTask that joins data, model and objectives. */
import * as tf from '@tensorflow/tfjs';
import { SubwordTokenizer } from '../data';
import { DataParallel } from '../parallel/data_parallel';
import { TrainResult, TrainTask, newestGoodCheckpoint, readCheckpointState, refuseExistingCheckpoints, train } from '../train';
import type { TaskGradients } from '../train/trainer';
import { ExperimentConfig } from './config';
import { refuseTrainingDrift } from './drift';
import { catchInterrupts, shellWord } from './interrupt';
import { checkCanLearn } from './learnable';
import { ObjectiveMix } from '../objectives';
import { recordRunConfig } from './run_configs';
import { Experiment, batchForStep, disposeTrainBatch, prepareObjectives, setupExperiment, toTrainBatch } from './setup';
import { EXPERIMENT_TASK_MODULE } from './shard_task';
import { TOKENIZER_FILE, checkpointTokenizer } from './checkpoint_dir';
import { ensureLanguageModel } from './lm_stage';
import { pretrainedTokenizer } from './pretrained_parts';


export interface RunTrainingOptions {
  /** Run folder (metrics.jsonl, checkpoints/, config.json). */
  out?: string;
  resume?: boolean;
  overwrite?: boolean;
  /** Where the config came from (saved with the run). */
  configFile?: string;
  /** Called after every optimizer step (progress over several runs). */
  onStep?: (step: number) => void;
  /** The step records as the trainer reads them (see TrainTask.onRecords). */
  onRecords?: TrainTask<unknown>['onRecords'];
  /** Called once the experiment is built, before step 1 (e.g. to add an eval hook). */
  evalHook?: (exp: Experiment) => TrainTask<unknown>['evalHook'];
  /**
   * Data-parallel training over this many worker threads (each its own wasm instance and model
   * replica, see lib/parallel); unset = train in this thread.
   */
  workers?: number;
  /** Shards each step's batch is cut into (default = workers; a multiple of workers, dividing data.batchSize). */
  shards?: number;
  /**
   * Stop cleanly on SIGINT/SIGTERM: finish the step, checkpoint it, print where and the command
   * that resumes, and return with `result.interrupted` set (the CLI then exits 130/143).
   */
  catchSignals?: boolean;
}

export interface TrainingRun {
  experiment: Experiment;
  result: TrainResult;
}


/**
 * Gradient accumulation differentiates each micro-batch on its own, so an objective that compares a
 * row with the other rows of its batch would see only its micro-batch's: refused, naming both.
 */
export function refuseCoupledAccumulation(config: ExperimentConfig): void {
  const { accumulate } = config.train;
  if (accumulate <= 1) return;
  const coupled = new ObjectiveMix(config.objectives).parts.filter((p) => p.weight > 0 && p.objective.batchCoupled).map((p) => p.objective.name);
  if (coupled.length === 0) return;
  const B = config.data.batchSize;
  throw new Error(
    `train.accumulate is ${accumulate}, but objective ${coupled.map((n) => `'${n}'`).join(', ')} ${coupled.length > 1 ? 'compare' : 'compares'} each row with the other rows of its batch: ` +
      `each accumulated micro-batch would see its own ${B} rows, not the step's ${accumulate * B}, and the objective would change. ` +
      `Set train.accumulate=1 and data.batchSize=${accumulate * B} (--workers N splits a large batch across threads and keeps every negative)`,
  );
}

/** Start the workers of a data-parallel run on `exp` (checks the batch splits first). */
async function startWorkers(exp: Experiment, workers: number, shards: number): Promise<DataParallel> {
  const { config } = exp;
  if (config.train.accumulate > 1) throw new Error(`workers: train.accumulate is ${config.train.accumulate}; data-parallel runs shard one batch per step (raise data.batchSize instead)`);
  if (config.data.batchSize % shards !== 0) throw new Error(`workers: data.batchSize ${config.data.batchSize} does not split into ${shards} equal shards`);
  // masks and negatives are drawn for the whole batch; dropout noise is drawn per shard's tensors
  const dropout = config.model.dropout ?? 0;
  if (dropout > 0 && shards > 1 && !config.train.quiet) {
    console.warn(`workers: model.dropout ${dropout} draws its noise per shard, so a ${shards}-shard run matches a 1-shard run in distribution, not value by value`);
  }
  const source = { module: EXPERIMENT_TASK_MODULE, exportName: 'experimentShardTask', args: { config, tokenizer: exp.tokenizer.toJSON() } };
  return DataParallel.start({ workers, shards, source, store: exp.model.store });
}

/** The trainer's `gradients` hook over `dp`: the step's rng state goes to the workers, the stream moves on. */
function parallelGradients(dp: DataParallel, batchSize: number) {
  return async (step: number, rng: { getState(): number; next(): number }): Promise<TaskGradients> => {
    const state = rng.getState();
    rng.next();
    const r = await dp.gradients(step, state);
    const terms = Object.fromEntries(Object.entries(r.terms).map(([k, v]) => [k, tf.scalar(v)]));
    return { grads: r.grads, total: tf.scalar(r.total), terms, samples: batchSize };
  };
}

/** Where a resume of `out` continues: the newest checkpoint that verifies, if `config` trains the same thing. */
function resumePoint(out: string, config: ExperimentConfig): { dir: string; step: number; tokenizer: SubwordTokenizer } {
  const dir = newestGoodCheckpoint(out);
  const state = readCheckpointState(dir);
  refuseTrainingDrift(dir, state.config, config);
  return { dir, step: state.step, tokenizer: checkpointTokenizer(dir) };
}


/** What to tell the user when a signal stopped the run. */
function interruptionReport(result: TrainResult, out: string | undefined, workers: number | undefined): string {
  const head = `${result.interrupted}: stopped after step ${result.step}`;
  if (!out || !result.lastCheckpoint) return `${head}; nothing saved (no run folder)`;
  const command = `mvlm train --resume ${shellWord(out)}${workers !== undefined ? ` --workers ${workers}` : ''}`;
  return `${head}; checkpoint saved to ${result.lastCheckpoint}\nresume with: ${command}`;
}

/** Build the experiment and train it; the caller disposes `experiment.model`. */
export async function runTraining(configIn: ExperimentConfig, opts: RunTrainingOptions = {}): Promise<TrainingRun> {
  // a bridge to a frozen LM without a configured one first trains the small LM (a stage of its own)
  const stage = await ensureLanguageModel(configIn, opts.out, (c, out) => runTraining(c, { out, overwrite: true }));
  try {
    return await trainExperiment(stage.config, opts);
  } finally {
    stage.cleanup();
  }
}

async function trainExperiment(config: ExperimentConfig, opts: RunTrainingOptions): Promise<TrainingRun> {
  // data-parallel shards see the whole batch (features gathered), so rows per loss = the batch
  checkCanLearn(config);
  refuseCoupledAccumulation(config);
  if (opts.out && !opts.resume && !opts.overwrite) refuseExistingCheckpoints(opts.out);
  const resumed = opts.resume && opts.out ? resumePoint(opts.out, config) : undefined;
  const exp = await setupExperiment(config, resumed?.tokenizer ?? pretrainedTokenizer(config));
  const { model, objectives, batcher } = exp;
  let dp: DataParallel | null = null;
  try {
    // on resume the prepared state (e.g. a codebook) is overwritten by the checkpoint
    await prepareObjectives(exp);
    if (opts.workers !== undefined) dp = await startWorkers(exp, opts.workers, opts.shards ?? opts.workers);
    if (opts.out) recordRunConfig(opts.out, { source: opts.configFile, ...(resumed ? { resumedFrom: { checkpoint: resumed.dir, step: resumed.step } } : {}), config });
    const accumulate = config.train.accumulate;
    const task: TrainTask<ReturnType<typeof toTrainBatch>> = {
      store: model.store,
      // micro-batch m of step s reads the ((s-1)·accumulate + m + 1)-th batch of the data stream
      nextBatch: (step, _rng, micro) => toTrainBatch(batchForStep(batcher, (step - 1) * accumulate + micro + 1)),
      disposeBatch: disposeTrainBatch,
      batchSize: (b) => b.images.shape[0],
      loss: (batch, step, rng) => objectives.loss({ model, batch, rng, step, ctx: { training: true, rng } }),
      afterStep: (step) => {
        model.afterStep();
        opts.onStep?.(step);
      },
      onRecords: opts.onRecords,
      evalHook: opts.evalHook?.(exp),
      ...(dp ? { gradients: parallelGradients(dp, config.data.batchSize) } : {}),
    };
    const interrupts = opts.catchSignals ? catchInterrupts() : null;
    const result = await train(task, {
      ...config.train,
      out: opts.out,
      resume: opts.resume,
      resumeFrom: resumed?.dir,
      signal: interrupts?.signal,
      overwrite: opts.overwrite,
      config,
      meta: { objectives: objectives.names, params: model.store.count() },
      files: { [TOKENIZER_FILE]: JSON.stringify(exp.tokenizer.toJSON()) },
    }).finally(() => interrupts?.release());
    if (result.interrupted) console.error(interruptionReport(result, opts.out, opts.workers));
    return { experiment: exp, result };
  } catch (e) {
    model.dispose();
    throw e;
  } finally {
    await dp?.close();
  }
}
