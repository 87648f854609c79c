/**
 * How much two training processes slow each other on this machine — the ceiling of any 2-way
 * data-parallel speed-up: `npx ts-node -T bench/contention.ts [batch=16] [steps=12]`.
 * Runs the tiny reference step at `batch` in one process, then in two processes at once (nothing
 * shared between them), and prints each median step time and the throughput ratio 2·t1/t2.
 */
import { execFile } from 'child_process';
import { initBackend } from '../lib/backend';
import { TINY, buildStep, median } from '../lib/bench';

const [batch, steps] = [Number(process.argv[2] ?? 16), Number(process.argv[3] ?? 12)];

async function child(): Promise<void> {
  await initBackend({ quiet: true });
  const s = buildStep({ ...TINY, batchSize: batch });
  s.step(0);
  s.step(1);
  const times: number[] = [];
  for (let i = 2; i < 2 + steps; i++) {
    const t0 = performance.now();
    s.step(i);
    times.push(performance.now() - t0);
  }
  s.dispose();
  console.log(median(times).toFixed(1));
}

function run(): Promise<number> {
  return new Promise((resolve, reject) =>
    execFile(process.execPath, ['-r', 'ts-node/register/transpile-only', __filename, String(batch), String(steps), '--child'], (err, out) => (err ? reject(err) : resolve(Number(out.trim().split('\n').pop())))),
  );
}

async function main(): Promise<void> {
  const alone = await run();
  const together = await Promise.all([run(), run()]);
  const slowest = Math.max(...together);
  console.log(`tiny step at batch ${batch}: ${alone.toFixed(1)} ms alone, ${together.map((t) => t.toFixed(1)).join(' / ')} ms with two processes at once`);
  console.log(`two processes give ${((2 * alone) / slowest).toFixed(2)}x the throughput of one (each step ${(slowest / alone).toFixed(2)}x slower)`);
}

void (process.argv.includes('--child') ? child() : main());
