/**
 * Where a training step's time goes, kernel by kernel and shape by shape:
 * `npx ts-node -T bench/profile_step.ts [tiny|small] [top]`. Prints the kernel count (each wasm
 * kernel call costs ~20 µs of dispatch on top of its work), time by kernel name, and the slowest
 * (kernel, shapes) groups of one profiled step with their time, calls and (for matmuls) time ÷
 * time at the peak. A customGrad op shows as `forward` with the time of the kernels inside it.
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { SMALL, TINY, buildStep, matmulFlops, matmulPeak, peakShapes } from '../lib/bench';

async function main(): Promise<void> {
  await initBackend();
  const cfg = process.argv[2] === 'small' ? SMALL : TINY;
  const top = Number(process.argv[3] ?? 25);
  const peak = matmulPeak(peakShapes(cfg)).flops;
  const s = buildStep(cfg);
  s.step(0);
  s.step(1);
  const info = await tf.profile(() => {
    s.step(2);
    return [];
  });
  const groups = new Map<string, { ms: number; calls: number; flops: number }>();
  let total = 0;
  for (const k of info.kernels) {
    const ms = k.kernelTimeMs as number;
    total += ms;
    const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
    const g = groups.get(key) ?? { ms: 0, calls: 0, flops: 0 };
    g.ms += ms;
    g.calls++;
    g.flops += matmulFlops(k.name, k.inputShapes as number[][], k.outputShapes as number[][]);
    groups.set(key, g);
  }
  console.log(`${info.kernels.length} kernels, total kernel ms ${total.toFixed(1)}, peak ${(peak / 1e9).toFixed(1)} GFLOP/s`);
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of info.kernels) {
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += k.kernelTimeMs as number;
    e.calls++;
    byName.set(k.name, e);
  }
  const names = [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, 12);
  console.log(`by kernel: ${names.map(([n, e]) => `${n} ${e.ms.toFixed(0)} ms/${e.calls}`).join(', ')}`);
  for (const [key, g] of [...groups.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
    const vs = g.flops ? ` ${(g.ms / 1000 / (g.flops / peak)).toFixed(1)}x` : '';
    console.log(`${g.ms.toFixed(1).padStart(7)} ms ${String(g.calls).padStart(3)}x ${key}${vs}`);
  }
  s.dispose();
}

void main();
