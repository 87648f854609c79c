/**
 * The data-parallel bench row: median step time (shard gradients in workers + AdamW in the
 * coordinator) with 1 worker over 2 shards vs 2 workers over the same 2 shards, in alternation;
 * per shard mode: 'global' (features gathered: every shard's loss is the whole batch's, two rounds
 * per step) and/or 'local' (the old per-shard loss), all runners taking turns step by step.
 */
import { BENCH_TEXT, BenchConfig } from './configs';
import { median } from './timing';
import { VisionLanguageModel } from '../models';
import { Rng } from '../random';
import { AdamW } from '../train/adamw';
import { BENCH_TASK_MODULE } from './shard_task';
import { parallelCeiling } from '../parallel/ceiling';
import { DataParallel } from '../parallel/data_parallel';
import type { ShardMode } from '../parallel/shard';

// Each worker is its own V8 isolate that JIT-compiles the whole step again, and a worker of the
// 2-worker runner has run half as many shards as the lone worker at any step. On the same code, tiny
// read 1.39-1.53x after 5 warm-up steps and 1.60-1.79x after 20 (10 timed steps each), and 1.63-1.68x
// over 30 timed steps after 5. Training runs thousands of steps: time the settled state.
export const DP_WARMUP_STEPS = 20;

export interface ParallelRow {
  config: string;
  /** 'global': features gathered, the whole batch's loss in every shard; 'local': each shard its own loss. */
  mode: ShardMode;
  workers: number;
  shards: number;
  /** Median ms per step with 1 worker and with `workers` workers. */
  oneWorkerMs: number;
  manyWorkersMs: number;
  speedup: number;
  /** Median time per shard inside the workers (compute only): with 1 worker, and with all at once. */
  shardMs: { oneWorker: number; manyWorkers: number };
  /** The machine's parallel ceilings measured just before (lib/parallel/ceiling.ts): ≈ workers on idle cores and free memory bandwidth. */
  ceiling: { compute: number; memory: number };
}

/** A data-parallel trainer over the bench task: coordinator replica, AdamW and `workers` workers. */
async function startRunner(cfg: BenchConfig, workers: number, shards: number, mode: ShardMode) {
  const seed = 0;
  const model = new VisionLanguageModel(cfg.model, BENCH_TEXT, seed);
  const optimizer = new AdamW(model.store, { weightDecay: 0 });
  const source = { module: BENCH_TASK_MODULE, exportName: 'benchShardTask', args: { cfg, seed } };
  const dp = await DataParallel.start({ workers, shards, source, store: model.store, mode }).catch((e) => {
    optimizer.dispose();
    model.dispose();
    throw e;
  });
  const rng = new Rng(1);
  return {
    /** One step: wall ms, and the slowest worker's ms per shard it ran. */
    async step(s: number): Promise<{ ms: number; shardMs: number }> {
      const t0 = performance.now();
      const r = await dp.gradients(s, rng.fork(`step ${s}`).getState());
      optimizer.apply(r.grads, 1e-4);
      for (const g of r.grads.values()) g.dispose();
      return { ms: performance.now() - t0, shardMs: Math.max(...r.workerMs) / (shards / workers) };
    },
    async close(): Promise<void> {
      await dp.close();
      optimizer.dispose();
      model.dispose();
    },
  };
}

/** One row per mode in `modes` (default 'global'). */
export async function benchDataParallel(cfg: BenchConfig, steps: number, workers = 2, warmup = DP_WARMUP_STEPS, modes: ShardMode[] = ['global']): Promise<ParallelRow[]> {
  const ceiling = { compute: await parallelCeiling(workers), memory: await parallelCeiling(workers, 3, 'memory') };
  // every runner lives at once and they take turns step by step, so load that comes and goes on a
  // shared machine hits all alike (the idle ones' workers wait on their message port)
  type Runner = Awaited<ReturnType<typeof startRunner>>;
  const runners: { mode: ShardMode; one: Runner; many: Runner; t: Record<'one' | 'many' | 'oneShard' | 'manyShard', number[]> }[] = [];
  const started: Runner[] = [];
  const start = async (w: number, mode: ShardMode) => {
    const r = await startRunner(cfg, w, workers, mode);
    started.push(r);
    return r;
  };
  try {
    for (const mode of modes) runners.push({ mode, one: await start(1, mode), many: await start(workers, mode), t: { one: [], many: [], oneShard: [], manyShard: [] } });
    for (let s = 1; s <= steps + warmup; s++) {
      for (const { one, many, t } of runners) {
        const [a, b] = [await one.step(s), await many.step(s)];
        if (s <= warmup) continue;
        t.one.push(a.ms);
        t.many.push(b.ms);
        t.oneShard.push(a.shardMs);
        t.manyShard.push(b.shardMs);
      }
    }
  } finally {
    await Promise.all(started.map((r) => r.close()));
  }
  return runners.map(({ mode, t }) => {
    const [oneMs, manyMs] = [median(t.one), median(t.many)];
    return {
      config: cfg.name,
      mode,
      workers,
      shards: workers,
      oneWorkerMs: oneMs,
      manyWorkersMs: manyMs,
      speedup: oneMs / manyMs,
      shardMs: { oneWorker: median(t.oneShard), manyWorkers: median(t.manyShard) },
      ceiling,
    };
  });
}
