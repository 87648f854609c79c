/** A ShardTask over the benchmark's synthetic batches (tests and the data-parallel bench row). */
import { BENCH_TEXT, BenchConfig, disposeBatch, syntheticBatch } from './configs';
import { VisionLanguageModel } from '../models';
import { ObjectiveMix } from '../objectives';
import { ShardTask, shardTaskOver } from '../parallel/shard';

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
  return shardTaskOver(model, mix, (step) => syntheticBatch(cfg, BENCH_TEXT, seed + step), disposeBatch);
}

/** Where workers find `benchShardTask` (this module, without extension). */
export const BENCH_TASK_MODULE = __filename.replace(/\.(ts|js)$/, '');
