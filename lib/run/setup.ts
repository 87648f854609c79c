/**
 * From a config to live objects: datasets, the tokenizer (built on the training captions), the
 * model (its vocabulary from the tokenizer), the objective mix (checked against the model), batches.
 */
import * as tf from '@tensorflow/tfjs';
import { Batch, Batcher, Dataset, SubwordTokenizer, captionCorpus, disposeBatch, loadDataset } from '../data';
import { initialLogitBias } from '../heads';
import { VisionLanguageModel, loadFrozenText, runModelConfig, textSpecOf } from '../models';
import { ObjectiveMix, TrainBatch } from '../objectives';
import { ExperimentConfig } from './config';
import { loadPretrainedParts } from './pretrained_parts';

export { textSpecOf } from '../models';

export interface Experiment {
  config: ExperimentConfig;
  train: Dataset;
  tokenizer: SubwordTokenizer;
  model: VisionLanguageModel;
  objectives: ObjectiveMix;
  batcher: Batcher;
}

/** The model of a config (its vocabulary from the tokenizer), with the frozen text tower attached when configured. */
export async function buildModel(config: ExperimentConfig, tokenizer: SubwordTokenizer): Promise<VisionLanguageModel> {
  const initLogitBias = initialLogitBias(config.model.initLogitBias, config.data.batchSize);
  const model = new VisionLanguageModel({ ...runModelConfig(config.model, config.data.maxLen), initLogitBias }, textSpecOf(tokenizer), config.train.seed);
  try {
    const textTower = config.model.textTower;
    if (textTower.kind === 'use') model.attachFrozenText(await loadFrozenText(textTower.modelDir, textTower.vocab));
    return model;
  } catch (e) {
    model.dispose();
    throw e;
  }
}

export async function loadTrainData(config: ExperimentConfig): Promise<Dataset> {
  const { data, model } = config;
  return loadDataset(data.train, { split: 'train', imageSize: model.imageSize, seed: config.train.seed, size: data.size, skipBad: data.skipBad });
}

/** Build everything a training run needs; `tokenizer` is passed when resuming (the saved one). */
export async function setupExperiment(config: ExperimentConfig, tokenizer?: SubwordTokenizer): Promise<Experiment> {
  const train = await loadTrainData(config);
  const tok = tokenizer ?? SubwordTokenizer.build(captionCorpus(train), { vocabSize: config.data.vocabSize });
  const model = await buildModel(config, tok);
  const objectives = new ObjectiveMix(config.objectives);
  try {
    objectives.check(model);
    // frozen before the optimizer exists: no updates and no optimizer state for these params
    objectives.freeze(model);
    loadPretrainedParts(model, config);
  } catch (e) {
    model.dispose();
    throw e;
  }
  const batcher = new Batcher({
    dataset: train,
    tokenizer: tok,
    batchSize: config.data.batchSize,
    maxLen: config.data.maxLen,
    seed: config.train.seed,
    dropLast: true,
    captionChoice: config.data.captionChoice,
  });
  return { config, train, tokenizer: tok, model, objectives, batcher };
}

/** The model-side view of a data batch (token rows copied to the host for text masking). */
export function toTrainBatch(batch: Batch): TrainBatch & { source: Batch } {
  return {
    images: batch.images,
    tokens: batch.tokens,
    attention: batch.attention,
    wordStarts: batch.wordStarts,
    tokenRows: batch.tokenRows,
    captions: batch.captions,
    source: batch,
  };
}

export function disposeTrainBatch(batch: TrainBatch & { source: Batch }): void {
  disposeBatch(batch.source);
}

/** Step s (1-based) reads batch (s-1) of the epoch sequence: a pure function of the step, so resume is exact. */
export function batchForStep(batcher: Batcher, step: number): Batch {
  const perEpoch = batcher.numBatches;
  if (perEpoch < 1) throw new Error('the training split is smaller than one batch: lower data.batchSize');
  const i = step - 1;
  return batcher.batch(Math.floor(i / perEpoch), i % perEpoch);
}

/** Images of the first `n` training batches stacked [M, H, W, C] (e.g. to fit a codebook). */
export function sampleImages(batcher: Batcher, n: number): tf.Tensor4D {
  const batches = Array.from({ length: Math.min(n, batcher.numBatches) }, (_, b) => batcher.batch(0, b));
  const images = tf.concat(batches.map((b) => b.images)) as tf.Tensor4D;
  batches.forEach(disposeBatch);
  return images;
}

/** Batches fitted into a codebook (MIM tokens) before step 1. */
const PREPARE_BATCHES = 4;

/** Objective state fitted before step 1 (e.g. a MIM codebook); data-parallel workers run the same. */
export async function prepareObjectives(exp: Experiment): Promise<void> {
  await exp.objectives.prepare(exp.model, { sampleImages: () => sampleImages(exp.batcher, PREPARE_BATCHES), captions: () => captionCorpus(exp.train) });
}
