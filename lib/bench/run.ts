/**
 * `mvlm bench`: step time, samples/s, FLOPs/step, MFU and the top kernels of the reference
 * configs, one row per registered objective, and the FLIP patch-dropout row.
 * Method (also in the README's Performance section):
 *  - step time: median wall time of ≥ 10 forward+backward+Adam steps after 2 warm-up steps;
 *  - FLOPs/step: 3 × the forward matmul FLOPs counted from one profiled forward (flops.ts);
 *  - MFU: (FLOPs/step ÷ step time) ÷ the plain matmul peak on the config's own widest products
 *    (MLP fc1/fc2 over the image rows, the MLM decoder), sampled between the timed steps (median
 *    FLOP/s of the best shape), so steps and peak see the same load on a shared machine;
 *  - FLIP: image tower with and without 50 % patch dropout, timed in alternation, median ratio;
 *  - top kernels: one profiled training step, kernel times summed by name; kernelsPerStep counts its kernels;
 *  - best: per config, the fastest measured configuration (1 process, data-parallel workers) and,
 *    with `torch`, PyTorch's fastest thread count on the same step (best.ts, torch_row.ts).
 */
import * as tf from '@tensorflow/tfjs';
import { BestRow, bestRows } from './best';
import { ParallelRow, benchDataParallel } from './parallel_row';
import { TorchRow, benchTorch } from './torch_row';
import type { ShardMode } from '../parallel/shard';
import { Rng } from '../random';
import { randomPatchMaskArrays } from '../masking';
import { BENCH_OBJECTIVES, BENCH_TEXT, BenchConfig, SMALL, TINY, objectiveConfig, syntheticBatch, disposeBatch } from './configs';
import { HotMatmul, KernelRecord, KernelSummary, forwardFlops, hotMatmuls, profileKernels, topKernels } from './flops';
import { buildStep } from './step';
import { MatmulPeak, interleavedPeak, matmulPeak, median, pairedTimesMs, timesMs } from './timing';

/** Profiled steps per row (medians over them for the hot-kernel ratios). */
const PROFILED_STEPS = 3;

export interface BenchOptions {
  /** Reference configs to run (default tiny and small). */
  configs?: BenchConfig[];
  /** Timed steps per row (median), default 10. */
  steps?: number;
  /** One row per registered objective on tiny (default true). */
  objectives?: boolean | string[];
  /** A FLIP row per config (default true). */
  flip?: boolean;
  /** A data-parallel row per config: 2 workers vs 1 (default false: it needs 2 free cores). */
  parallel?: boolean;
  /** Untimed steps before the data-parallel row's timed ones (default 20, see lib/bench/parallel_row.ts). */
  parallelWarmup?: number;
  /** PyTorch's time for each config's step (bench/torch_step.py; needs a python3 with torch). */
  torch?: boolean;
  /** Shard modes of the data-parallel rows, timed in alternation (default ['global']: features gathered). */
  parallelModes?: ShardMode[];
  /** Called after each row (progress on stderr). */
  onRow?: (row: StepRow) => void;
}

export interface StepRow {
  name: string;
  batchSize: number;
  stepMs: number;
  samplesPerSec: number;
  flopsPerStep: number;
  /** Achieved model FLOP/s. */
  flopsPerSec: number;
  mfu: number;
  /** The matmul peak the MFU divides by (sampled between this row's steps). */
  peakFlops: number;
  topKernels: KernelSummary[];
  /** Kernels one training step runs (the dispatch count the fusion work lowers). */
  kernelsPerStep: number;
  /** Matmul groups with ≥ 1 % of the step's kernel time, slowest vs the peak first (the 2x rule). */
  hotMatmuls: HotMatmul[];
  /** tf.memory().numTensors before and after the timed steps. */
  numTensors: [number, number];
}

export interface FlipRow {
  config: string;
  /** Image tower forward+backward, all patches vs 50 % dropped (median ms). */
  fullMs: number;
  droppedMs: number;
  speedup: number;
}

export interface BenchResult {
  backend: string;
  steps: number;
  peaks: Record<string, MatmulPeak>;
  rows: StepRow[];
  /** One per config (the base config when only objective rows run). */
  flip: FlipRow[];
  /** One per config (empty without `parallel`). */
  parallel: ParallelRow[];
  /** PyTorch rows (empty without `torch`). */
  torch: TorchRow[];
  /** Per config: mvlm's fastest measured configuration, and PyTorch's beside it when it ran. */
  best: BestRow[];
  numTensorsFlat: boolean;
}

/** [M, K, N] of the config's widest products: MLP fc1/fc2 over image rows and the MLM decoder. */
export function peakShapes(cfg: BenchConfig): [number, number, number][] {
  const D = cfg.model.width ?? 128;
  const hidden = Math.round((cfg.model.mlpRatio ?? 4) * D);
  const N = ((cfg.model.imageSize ?? 32) / (cfg.model.patchSize ?? 8)) ** 2;
  const rows = cfg.batchSize * (1 + N);
  const T = cfg.model.text?.maxLen ?? 16;
  return [
    [rows, D, hidden],
    [rows, hidden, D],
    [cfg.batchSize * T, D, BENCH_TEXT.vocabSize],
  ];
}

export async function benchStep(cfg: BenchConfig, peak: MatmulPeak, steps: number): Promise<StepRow> {
  const s = buildStep(cfg);
  try {
    const fwd = await forwardFlops(() => s.loss(0));
    const flopsPerStep = 3 * fwd;
    s.step(0);
    s.step(1);
    const probe = interleavedPeak(peak.shapes.map((p) => p.shape));
    const before = tf.memory().numTensors;
    let i = 2;
    const times: number[] = [];
    let after: number;
    try {
      for (let k = 0; k < steps; k++) {
        times.push(...timesMs(() => s.step(i++), 1, 0));
        probe.sample();
      }
      after = tf.memory().numTensors; // the probe's operands are counted in `before` too
    } finally {
      probe.dispose();
    }
    const stepMs = median(times);
    const peakFlops = probe.peak();
    const profiled: KernelRecord[][] = [];
    for (let k = 0; k < PROFILED_STEPS; k++) {
      profiled.push(
        await profileKernels(() => {
          s.step(i++);
          return [];
        }),
      );
    }
    const records = profiled.flat();
    const flopsPerSec = flopsPerStep / (stepMs / 1000);
    return {
      name: cfg.name,
      batchSize: cfg.batchSize,
      stepMs,
      samplesPerSec: cfg.batchSize / (stepMs / 1000),
      flopsPerStep,
      flopsPerSec,
      mfu: flopsPerSec / peakFlops,
      peakFlops,
      topKernels: topKernels(records, peakFlops),
      kernelsPerStep: profiled[0].length,
      hotMatmuls: hotMatmuls(profiled, peakFlops),
      numTensors: [before, after],
    };
  } finally {
    s.dispose();
  }
}

/** At least this many alternating (all, dropped) pairs: a ratio of two short timings needs more samples. */
const FLIP_PAIRS = 25;

/** Image tower forward+backward with and without 50 % patch dropout (FLIP), tiny config. */
export function benchFlip(cfg: BenchConfig, steps: number): FlipRow {
  const s = buildStep({ ...cfg, objectives: [{ name: 'clip' }] });
  const batch = syntheticBatch(cfg, BENCH_TEXT, 7);
  const B = cfg.batchSize;
  const N = s.model.numPatches;
  const drop = randomPatchMaskArrays(B, N, 0.5, new Rng(3));
  const keep = tf.tensor2d(drop.keepIndices.flat(), [B, drop.keepIndices[0].length], 'int32');
  const vars = s.model.store.list().filter((p) => p.trainable && p.name.startsWith('image')).map((p) => p.variable);
  const run = (opts: { keep?: tf.Tensor2D }) => () => {
    const { value, grads } = tf.variableGrads(
      () => s.model.image.encode(batch.images, opts, { training: true }).pooled.square().mean() as tf.Scalar,
      vars,
    );
    tf.dispose([value, ...Object.values(grads)]);
  };
  try {
    const t = pairedTimesMs(run({}), run({ keep }), Math.max(steps, FLIP_PAIRS));
    // median of per-pair ratios: load that comes and goes on a shared machine hits both sides alike
    const ratios = t.a.map((full, i) => full / t.b[i]);
    return { config: cfg.name, fullMs: median(t.a), droppedMs: median(t.b), speedup: median(ratios) };
  } finally {
    tf.dispose(keep);
    disposeBatch(batch);
    s.dispose();
  }
}

export async function runBench(opts: BenchOptions = {}): Promise<BenchResult> {
  const steps = Math.max(1, opts.steps ?? 10);
  const configs = opts.configs ?? [TINY, SMALL];
  const names = opts.objectives === false ? [] : Array.isArray(opts.objectives) ? opts.objectives : BENCH_OBJECTIVES;
  const peaks: Record<string, MatmulPeak> = {};
  const peakOf = (cfg: BenchConfig): MatmulPeak => (peaks[cfg.name.split('/')[0]] ??= matmulPeak(peakShapes(cfg)));
  const rows: StepRow[] = [];
  const add = (row: StepRow) => {
    rows.push(row);
    opts.onRow?.(row);
  };
  const start = tf.memory().numTensors;
  // The data-parallel rows first, while this process is as fresh as a training run's coordinator:
  // after the other rows tiny read 1.17x (1.16x and 1.33x in two earlier full runs), 1.77x from a
  // fresh process in the same minutes and 1.72x first in a full run (likely the coordinator's larger
  // V8 heap, whose collection runs on the same two cores as the workers; not traced).
  const parallel: ParallelRow[] = [];
  if (opts.parallel) for (const cfg of configs) parallel.push(...(await benchDataParallel(cfg, steps, 2, opts.parallelWarmup, opts.parallelModes)));
  for (const cfg of configs) add(await benchStep(cfg, peakOf(cfg), steps));
  const base = configs[0] ?? TINY;
  for (const name of names) add(await benchStep(objectiveConfig(name, base), peakOf(base), steps));
  const flip = opts.flip === false ? [] : (configs.length ? configs : [base]).map((cfg) => benchFlip(cfg, steps));
  const flat = rows.every((r) => r.numTensors[0] === r.numTensors[1]) && tf.memory().numTensors === start;
  const torch = opts.torch ? configs.flatMap((cfg) => benchTorch(cfg.name, steps)) : [];
  const best = bestRows(rows.filter((r) => configs.some((c) => c.name === r.name)), parallel, torch);
  return { backend: tf.getBackend(), steps, peaks, rows, flip, parallel, torch, best, numTensorsFlat: flat };
}
