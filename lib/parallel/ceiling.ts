/**
 * What parallel speed-up the machine offers right now: a fixed CPU-bound JavaScript workload run
 * by 1 worker thread, then by `threads` at once; the ceiling is threads · t(1) / t(threads). On a
 * machine shared with other jobs this is well below the core count, and it caps any data-parallel
 * speed-up measured at the same moment.
 */
import { Worker } from 'worker_threads';

// ~100-200 ms of float math, no allocation (what each thread runs once)
const WORKLOAD = `
  const { parentPort } = require('worker_threads');
  parentPort.once('message', () => {
    const t0 = performance.now();
    let x = 0.5;
    for (let i = 0; i < 6e7; i++) x = x * 1.0000001 + 1e-9 * (i & 7);
    parentPort.postMessage({ ms: performance.now() - t0, x });
  });
`;

async function runTogether(threads: number): Promise<number> {
  const workers = Array.from({ length: threads }, () => new Worker(WORKLOAD, { eval: true }));
  try {
    await new Promise((r) => setTimeout(r, 50)); // let every thread boot before the clock starts
    const t0 = performance.now();
    await Promise.all(
      workers.map(
        (w) =>
          new Promise<void>((resolve, reject) => {
            w.once('message', () => resolve());
            w.once('error', reject);
            w.postMessage('go');
          }),
      ),
    );
    return performance.now() - t0;
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
}

/** Median over `rounds` of threads · t(1 thread) / t(`threads` threads, each the same work). */
export async function parallelCeiling(threads = 2, rounds = 3): Promise<number> {
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const one = await runTogether(1);
    const many = await runTogether(threads);
    ratios.push((threads * one) / many);
  }
  ratios.sort((a, b) => a - b);
  return ratios[ratios.length >> 1];
}
