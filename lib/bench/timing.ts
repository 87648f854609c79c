/** Timing helpers and the backend's plain matmul peak, measured in the running process. */
import * as tf from '@tensorflow/tfjs';

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Wall times (ms) of `runs` calls of `fn` after `warmup` calls. */
export function timesMs(fn: () => void, runs: number, warmup = 2): number[] {
  for (let i = 0; i < warmup; i++) fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  return times;
}

/** Wall times (ms) of `a` and `b` called in alternation, `runs` pairs after `warmup` pairs. */
export function pairedTimesMs(a: () => void, b: () => void, runs: number, warmup = 2): { a: number[]; b: number[] } {
  for (let i = 0; i < warmup; i++) (a(), b());
  const out = { a: [] as number[], b: [] as number[] };
  for (let i = 0; i < runs; i++) {
    out.a.push(...timesMs(a, 1, 0));
    out.b.push(...timesMs(b, 1, 0));
  }
  return out;
}

/** Median wall time (ms) of `fn` over `runs` calls after `warmup` calls. */
export function medianMs(fn: () => void, runs: number, warmup = 2): number {
  return median(timesMs(fn, runs, warmup));
}

export interface MatmulPeak {
  /** Best FLOP/s over the shapes tried. */
  flops: number;
  /** [M, K, N] and FLOP/s of every shape tried. */
  shapes: { shape: [number, number, number]; flops: number }[];
}

/**
 * Plain (untransposed) matmul FLOP/s on [M, K]×[K, N] for each shape; the peak is the best.
 * The caller picks shapes the model really runs (its widest linear layers over B·L rows), so
 * MFU compares the step with the backend's best matmul on work of the same size.
 * The fastest of `runs` calls counts (a peak is the best the backend does; other processes on a
 * shared machine only ever slow a call down). Node's backends (wasm, cpu, tensorflow) run kernels synchronously, so the call's wall time is the
 * kernel's time; no read-back is timed.
 */
export function matmulPeak(shapes: [number, number, number][], runs = 15): MatmulPeak {
  const measured = shapes.map((shape) => {
    const [M, K, N] = shape;
    const a = tf.randomNormal([M, K]);
    const b = tf.randomNormal([K, N]);
    const ms = Math.min(...timesMs(() => tf.tidy(() => void tf.matMul(a, b)), runs));
    tf.dispose([a, b]);
    return { shape, flops: (2 * M * K * N) / (ms / 1000) };
  });
  return { flops: Math.max(...measured.map((m) => m.flops)), shapes: measured };
}

/**
 * A matmul peak probe to interleave with the work it rates: each `sample()` times each shape's
 * plain product (best of 3 calls); `peak()` is the best shape's median FLOP/s over the samples. Sampled between steps, it
 * sees the same machine load as the steps, so their ratio (MFU) holds on a shared machine.
 */
export function interleavedPeak(shapes: [number, number, number][]): { sample(): void; peak(): number; dispose(): void } {
  const operands = shapes.map(([M, K, N]) => [tf.randomNormal([M, K]), tf.randomNormal([K, N])] as const);
  const samples: number[][] = shapes.map(() => []);
  const sample = () =>
    shapes.forEach(([M, K, N], i) => {
      const [a, b] = operands[i];
      // fastest of 3 back-to-back calls: warm caches, as the peak of a plain product should be
      const ms = Math.min(...timesMs(() => tf.tidy(() => void tf.matMul(a, b)), 3, 0));
      samples[i].push((2 * M * K * N) / (ms / 1000));
    });
  sample(); // warm-up, not kept
  samples.forEach((s) => (s.length = 0));
  return {
    sample,
    peak: () => Math.max(...samples.map(median)),
    dispose: () => tf.dispose(operands.flat()),
  };
}
