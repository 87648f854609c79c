/**
 * What parallel speed-up the machine offers right now: a fixed workload run by 1 worker thread, then
 * by `threads` at once; the ceiling is threads · t(1) / t(threads). Two workloads: 'compute' (float
 * math in registers) and 'memory' (copies of 64 MB arrays, bound by memory bandwidth). A training step
 * is partly memory-bound, so on a machine whose memory bandwidth is shared with other jobs the
 * memory ceiling caps a data-parallel speed-up measured at the same moment.
 */
import { Worker } from 'worker_threads';

// what each thread runs once on 'go': ~100-400 ms here
const WORKLOADS = {
  compute: `let x = 0.5; for (let i = 0; i < 6e7; i++) x = x * 1.0000001 + 1e-9 * (i & 7);`,
  memory: `const a = new Float32Array(16 << 20), b = new Float32Array(16 << 20); for (let r = 0; r < 4; r++) { b.set(a); a.set(b); }`,
};
export type CeilingWorkload = keyof typeof WORKLOADS;

const thread = (body: string) => `
  const { parentPort } = require('worker_threads');
  parentPort.once('message', () => { ${body} parentPort.postMessage('done'); });
`;

async function runTogether(threads: number, workload: CeilingWorkload): Promise<number> {
  const workers = Array.from({ length: threads }, () => new Worker(thread(WORKLOADS[workload]), { eval: true }));
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
export async function parallelCeiling(threads = 2, rounds = 3, workload: CeilingWorkload = 'compute'): Promise<number> {
  const ratios: number[] = [];
  for (let r = 0; r < rounds; r++) {
    const one = await runTogether(1, workload);
    const many = await runTogether(threads, workload);
    ratios.push((threads * one) / many);
  }
  ratios.sort((a, b) => a - b);
  return ratios[ratios.length >> 1];
}
