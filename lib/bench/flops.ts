/**
 * Model FLOPs counted from the matmuls a forward pass actually runs: `tf.profile` records every
 * kernel with its input and output shapes; for BatchMatMul / _FusedMatMul with output
 * [..., M, N] and first operand [..., M, K] (or its transpose), the product costs 2·(∏out)·K
 * FLOPs, where K = (last two dims of a) / M whatever the transpose flags; mvlm's dense-layer
 * kernels (x [..., I] · W [I, O]) count the same way, their weight gradient xᵀ·dy with K = the rows
 * of x. Forward+backward is
 * counted as 3× forward (each matmul's two gradient products cost as much as the forward one).
 * Elementwise work (norms, softmax, GELU, optimizer) is not counted, as in the MFU convention.
 */
import * as tf from '@tensorflow/tfjs';
import { LINEAR_DW_KERNEL, LINEAR_DX_KERNEL, LINEAR_KERNEL } from '../backend/wasm/linear_kernel';
import { median } from './timing';

export const MATMUL_KERNELS = new Set(['BatchMatMul', '_FusedMatMul', LINEAR_KERNEL, LINEAR_DX_KERNEL, LINEAR_DW_KERNEL]);

/** FLOPs of one matmul kernel record from its shapes; 0 for any other kernel. */
export function matmulFlops(name: string, inputShapes: number[][], outputShapes: number[][]): number {
  if (!MATMUL_KERNELS.has(name)) return 0;
  const a = inputShapes[0];
  const out = outputShapes[0];
  if (!a || !out || a.length < 2 || out.length < 2) return 0;
  // dW = xᵀ·dy: x [..., I] summed over all its rows
  const K = name === LINEAR_DW_KERNEL ? tf.util.sizeFromShape(a.slice(0, -1)) : (a[a.length - 2] * a[a.length - 1]) / out[out.length - 2];
  return 2 * tf.util.sizeFromShape(out) * K;
}

export interface KernelRecord {
  name: string;
  /** Input shapes as JSON, e.g. [[512,192],[512,128]]. */
  shapes: string;
  ms: number;
  flops: number;
}

/** Run `fn` under tf.profile; per-kernel time and matmul FLOPs (outputs of fn are disposed). */
export async function profileKernels(fn: () => tf.TensorContainer): Promise<KernelRecord[]> {
  const info = await tf.profile(() => fn());
  tf.dispose(info.result as tf.TensorContainer);
  const records: KernelRecord[] = [];
  for (const k of info.kernels) {
    const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    const inputs = (k.inputShapes ?? []) as number[][];
    const outputs = (k.outputShapes ?? []) as number[][];
    records.push({ name: k.name, shapes: JSON.stringify(inputs), ms, flops: matmulFlops(k.name, inputs, outputs) });
  }
  return records;
}

/** Forward matmul FLOPs of `forward` (a loss closure), counted from one profiled run. */
export async function forwardFlops(forward: () => tf.TensorContainer): Promise<number> {
  const records = await profileKernels(() => tf.tidy(forward));
  return records.reduce((s, r) => s + r.flops, 0);
}

export interface KernelSummary {
  name: string;
  ms: number;
  share: number;
  calls: number;
  /** Matmul kernels: time over the time the measured peak needs for the same FLOPs (1 = at peak). */
  vsPeak?: number;
}

/** Kernels summed by name, slowest first. `peakFlops` is FLOP/s of the plain matmul peak. */
export function topKernels(records: KernelRecord[], peakFlops: number, n = 5): KernelSummary[] {
  const byName = new Map<string, { ms: number; calls: number; flops: number }>();
  for (const r of records) {
    const e = byName.get(r.name) ?? { ms: 0, calls: 0, flops: 0 };
    e.ms += r.ms;
    e.calls += 1;
    e.flops += r.flops;
    byName.set(r.name, e);
  }
  const total = records.reduce((s, r) => s + r.ms, 0) || 1;
  return [...byName.entries()]
    .sort((x, y) => y[1].ms - x[1].ms)
    .slice(0, n)
    .map(([name, e]) => ({
      name,
      ms: e.ms,
      share: e.ms / total,
      calls: e.calls,
      ...(e.flops > 0 ? { vsPeak: e.ms / 1000 / (e.flops / peakFlops) } : {}),
    }));
}

export interface HotMatmul {
  /** Kernel name and input shapes. */
  kernel: string;
  /** Median share of the profiled step's kernel time. */
  share: number;
  /** Median time over the time the plain matmul peak needs for the same FLOPs. */
  vsPeak: number;
}

/**
 * Matmul (kernel, shapes) groups on the hot path — at least `minShare` of a step's kernel time —
 * with their median time/peak-time ratio over several profiled steps (one step's profile is noisy:
 * a GC pause or heap growth lands on whichever kernel runs), slowest ratio first.
 */
export function hotMatmuls(steps: KernelRecord[][], peakFlops: number, minShare = 0.01): HotMatmul[] {
  // per step: time, FLOPs and share of each group (masking objectives vary shapes step to step,
  // so a group's calls per step can differ: ratios are taken within a step)
  const groups = new Map<string, { ms: number[]; flops: number[]; share: number[] }>();
  steps.forEach((records, i) => {
    const total = records.reduce((s, r) => s + r.ms, 0) || 1;
    for (const r of records) {
      if (r.flops === 0) continue;
      const key = `${r.name} ${r.shapes}`;
      const g = groups.get(key) ?? { ms: steps.map(() => 0), flops: steps.map(() => 0), share: steps.map(() => 0) };
      g.ms[i] += r.ms;
      g.flops[i] += r.flops;
      g.share[i] += r.ms / total;
      groups.set(key, g);
    }
  });
  return [...groups.entries()]
    .map(([kernel, g]) => {
      const ratios = g.ms.map((ms, i) => ms / 1000 / (g.flops[i] / peakFlops)).filter((x) => Number.isFinite(x));
      return { kernel, share: median(g.share), vsPeak: median(ratios) };
    })
    .filter((h) => h.share >= minShare)
    .sort((a, b) => b.vsPeak - a.vsPeak);
}
