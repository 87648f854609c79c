/**
 * A ShardTask that builds the same experiment as the coordinator from its config, so
 * `runTraining(config, { workers })` can train any preset data-parallel: each worker runs
 * setupExperiment with the coordinator's tokenizer, prepares the objectives the same way, and for
 * step s reads the same global batch (batchForStep) and keeps shard k's rows (sliceBatch).
 */
import * as tf from '@tensorflow/tfjs';
import { SubwordTokenizer } from '../data';
import type { TokenizerJSON } from '../data';
import type { ExperimentConfig } from './config';
import { batchForStep, disposeTrainBatch, prepareObjectives, setupExperiment, toTrainBatch } from './setup';
import { ShardTask, shardTaskOver } from '../parallel/shard';

export interface ExperimentTaskArgs {
  config: ExperimentConfig;
  /** The coordinator's tokenizer (`SubwordTokenizer.toJSON()`), so vocabularies and ids agree. */
  tokenizer: TokenizerJSON;
}

type StepBatch = ReturnType<typeof toTrainBatch>;

export async function experimentShardTask({ config, tokenizer }: ExperimentTaskArgs): Promise<ShardTask> {
  const exp = await setupExperiment(config, SubwordTokenizer.fromJSON(tokenizer));
  const { model, objectives, batcher } = exp;
  try {
    await prepareObjectives(exp);
  } catch (e) {
    model.dispose();
    throw e;
  }
  const batchFor = (step: number): StepBatch => {
    const batch = toTrainBatch(batchForStep(batcher, step));
    if (batch.source.labels) tf.keep(batch.source.labels);
    return batch;
  };
  return shardTaskOver(model, objectives, batchFor, disposeTrainBatch);
}

/** Where workers find `experimentShardTask` (this module, without extension). */
export const EXPERIMENT_TASK_MODULE = __filename.replace(/\.(ts|js)$/, '');
