/** A ShardTask over the benchmark's synthetic batches (tests and the data-parallel bench row). */
import * as tf from '@tensorflow/tfjs';
import { BENCH_TEXT, BenchConfig, disposeBatch, syntheticBatch } from '../bench/configs';
import { VisionLanguageModel } from '../models';
import { ObjectiveMix, TrainBatch } from '../objectives';
import { ShardTask, sliceBatch } from './shard';

export interface BenchTaskArgs {
  cfg: BenchConfig;
  /** Model init seed (the coordinator's model must use the same). */
  seed: number;
}

/** Step s's global batch is syntheticBatch(cfg, seed + s); shard k is its k-th slice of rows. */
export function benchShardTask({ cfg, seed }: BenchTaskArgs): ShardTask {
  const model = new VisionLanguageModel(cfg.model, BENCH_TEXT, seed);
  const mix = new ObjectiveMix(cfg.objectives);
  mix.check(model);
  let cached: { step: number; batch: TrainBatch } | null = null;
  /** The step's global batch, kept past the caller's tidy so every shard of the step reuses it. */
  const batchOf = (step: number): TrainBatch => {
    if (cached === null || cached.step !== step) {
      if (cached) disposeBatch(cached.batch);
      const batch = syntheticBatch(cfg, BENCH_TEXT, seed + step);
      tf.keep(batch.images);
      tf.keep(batch.tokens);
      tf.keep(batch.attention);
      cached = { step, batch };
    }
    return cached.batch;
  };
  return {
    store: model.store,
    loss: (step, shard, numShards, rng) => {
      const batch = sliceBatch(batchOf(step), shard, numShards);
      return mix.loss({ model, batch, rng, ctx: { training: true, rng } });
    },
    dispose: () => {
      if (cached) disposeBatch(cached.batch);
      model.dispose();
    },
  };
}

/** Where workers find `benchShardTask` (this module, without extension). */
export const BENCH_TASK_MODULE = __filename.replace(/\.(ts|js)$/, '');
