/**
 * The data-parallel bench row: median step time (shard gradients in workers + AdamW in the
 * coordinator) with 1 worker over 2 shards vs 2 workers over the same 2 shards.
 */
import { BENCH_TEXT, BenchConfig } from '../bench/configs';
import { median } from '../bench/timing';
import { VisionLanguageModel } from '../models';
import { Rng } from '../random';
import { AdamW } from '../train/adamw';
import { BENCH_TASK_MODULE } from './bench_task';
import { parallelCeiling } from './ceiling';
import { DataParallel } from './data_parallel';

export interface ParallelRow {
  workers: number;
  shards: number;
  /** Median ms per step with 1 worker and with `workers` workers. */
  oneWorkerMs: number;
  manyWorkersMs: number;
  speedup: number;
  /** Median time per shard inside the workers (compute only): with 1 worker, and with all at once. */
  shardMs: { oneWorker: number; manyWorkers: number };
  /** The machine's parallel ceiling measured just before (lib/parallel/ceiling.ts): ≈ workers on idle cores. */
  ceiling: number;
}

/** Step wall times, and each step's slowest worker time per shard it ran. */
async function stepTimes(cfg: BenchConfig, workers: number, shards: number, steps: number): Promise<{ step: number[]; shard: number[] }> {
  const seed = 0;
  const model = new VisionLanguageModel(cfg.model, BENCH_TEXT, seed);
  const optimizer = new AdamW(model.store, { weightDecay: 0 });
  const source = { module: BENCH_TASK_MODULE, exportName: 'benchShardTask', args: { cfg, seed } };
  const dp = await DataParallel.start({ workers, shards, source, store: model.store });
  const times: number[] = [];
  const shard: number[] = [];
  try {
    const rng = new Rng(1);
    for (let s = 1; s <= steps + 2; s++) {
      const t0 = performance.now();
      const r = await dp.gradients(s, rng.fork(`step ${s}`).getState());
      optimizer.apply(r.grads, 1e-4);
      for (const g of r.grads.values()) g.dispose();
      if (s > 2) {
        // 2 warm-up steps
        times.push(performance.now() - t0);
        shard.push(Math.max(...r.workerMs) / (shards / workers));
      }
    }
    return { step: times, shard };
  } finally {
    await dp.close();
    optimizer.dispose();
    model.dispose();
  }
}

export async function benchDataParallel(cfg: BenchConfig, steps: number, workers = 2): Promise<ParallelRow> {
  const ceiling = await parallelCeiling(workers);
  const one = await stepTimes(cfg, 1, workers, steps);
  const many = await stepTimes(cfg, workers, workers, steps);
  const [oneMs, manyMs] = [median(one.step), median(many.step)];
  return {
    workers,
    shards: workers,
    oneWorkerMs: oneMs,
    manyWorkersMs: manyMs,
    speedup: oneMs / manyMs,
    shardMs: { oneWorker: median(one.shard), manyWorkers: median(many.shard) },
    ceiling,
  };
}
