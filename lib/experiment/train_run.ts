/** One training run of an experiment config: the TrainTask that joins data, model and objectives. */
import * as fs from 'fs';
import * as path from 'path';
import { SubwordTokenizer, captionCorpus } from '../data';
import { TrainResult, TrainTask, latestCheckpoint, train } from '../train';
import { ExperimentConfig } from './config';
import { Experiment, batchForStep, disposeTrainBatch, sampleImages, setupExperiment, toTrainBatch } from './setup';

export const TOKENIZER_FILE = 'tokenizer.json';

export interface RunTrainingOptions {
  /** Run folder (metrics.jsonl, checkpoints/, config.json). */
  out?: string;
  resume?: boolean;
  overwrite?: boolean;
  /** Where the config came from (saved with the run). */
  configFile?: string;
  /** Called after every optimizer step (progress over several runs). */
  onStep?: (step: number) => void;
  /** Called once the experiment is built, before step 1 (e.g. to add an eval hook). */
  evalHook?: (exp: Experiment) => TrainTask<unknown>['evalHook'];
}

export interface TrainingRun {
  experiment: Experiment;
  result: TrainResult;
}

/** Batches fitted into a codebook (MIM tokens) before step 1. */
const PREPARE_BATCHES = 4;

function savedTokenizer(out: string): SubwordTokenizer {
  const ck = latestCheckpoint(out);
  if (!ck) throw new Error(`resume ${out}: no checkpoint to resume from`);
  const file = path.join(ck, TOKENIZER_FILE);
  if (!fs.existsSync(file)) throw new Error(`resume ${out}: ${file} is missing (the checkpoint has no tokenizer)`);
  return SubwordTokenizer.fromJSON(JSON.parse(fs.readFileSync(file, 'utf8')));
}

/** Build the experiment and train it; the caller disposes `experiment.model`. */
export async function runTraining(config: ExperimentConfig, opts: RunTrainingOptions = {}): Promise<TrainingRun> {
  const tokenizer = opts.resume && opts.out ? savedTokenizer(opts.out) : undefined;
  const exp = await setupExperiment(config, tokenizer);
  const { model, objectives, batcher } = exp;
  try {
    // on resume the prepared state (e.g. a codebook) is overwritten by the checkpoint
    await objectives.prepare(model, { sampleImages: () => sampleImages(batcher, PREPARE_BATCHES), captions: () => captionCorpus(exp.train) });
    if (opts.out) {
      fs.mkdirSync(opts.out, { recursive: true });
      fs.writeFileSync(path.join(opts.out, 'config.json'), JSON.stringify({ source: opts.configFile, config }, null, 2));
    }
    const accumulate = config.train.accumulate;
    const task: TrainTask<ReturnType<typeof toTrainBatch>> = {
      store: model.store,
      // micro-batch m of step s reads the ((s-1)·accumulate + m + 1)-th batch of the data stream
      nextBatch: (step, _rng, micro) => toTrainBatch(batchForStep(batcher, (step - 1) * accumulate + micro + 1)),
      disposeBatch: disposeTrainBatch,
      batchSize: (b) => b.images.shape[0],
      loss: (batch, _step, rng) => objectives.loss({ model, batch, rng, ctx: { training: true, rng } }),
      afterStep: (step) => {
        model.afterStep();
        opts.onStep?.(step);
      },
      evalHook: opts.evalHook?.(exp),
    };
    const result = await train(task, {
      ...config.train,
      out: opts.out,
      resume: opts.resume,
      overwrite: opts.overwrite,
      config,
      meta: { objectives: objectives.names, params: model.store.count() },
      files: { [TOKENIZER_FILE]: JSON.stringify(exp.tokenizer.toJSON()) },
    });
    return { experiment: exp, result };
  } catch (e) {
    model.dispose();
    throw e;
  }
}
