/**
 * The data-parallel workload without the data-parallel protocol: each runner computes shard
 * gradients of the tiny bench task (or full training steps at batch 16) on its own replica, alone or
 * two at once, as worker threads and as child processes, in alternating rounds:
 * `npx ts-node -T bench/independent_shards.ts [shard|shard-load|step] [rounds=6]`.
 * Compare its "two threads" slowdown with the per-shard times the data-parallel bench row prints.
 */
import * as fs from 'fs';
import * as path from 'path';
import { fork } from 'child_process';
import { Worker } from 'worker_threads';
import { median } from '../lib/bench';

// shard: gradients of one shard; shard-load: the same after uploading new weights (as a data-parallel
// worker does every step); step: a full training step at batch 16
const mode = ['step', 'shard-load'].includes(process.argv[2]) ? process.argv[2] : 'shard';
const rounds = Number(process.argv[3] ?? 6);
const STEPS = 4;
const lib = path.resolve(__dirname, '..', 'lib');

// one runner: builds its replica, then on every request times STEPS units of work and answers the median
const runnerBody = `
require(${JSON.stringify(require.resolve('ts-node'))}).register({ transpileOnly: true });
const { initBackend } = require(${JSON.stringify(`${lib}/backend`)});
const { TINY, benchShardTask, buildStep } = require(${JSON.stringify(`${lib}/bench`)});
const { loadWeights, paramLayout, saveWeights, shardGradients } = require(${JSON.stringify(`${lib}/parallel`)});
const { Rng } = require(${JSON.stringify(`${lib}/random`)});
let one;
async function init() {
  await initBackend({ quiet: true });
  let i = 0;
  if (${JSON.stringify(mode)} === 'step') {
    const st = buildStep({ ...TINY, batchSize: 16 });
    one = () => st.step(i++);
  } else {
    const task = benchShardTask({ cfg: TINY, seed: 0 });
    const layout = paramLayout(task.store);
    const out = new Float32Array(layout.total);
    const weights = new Float32Array(layout.total);
    saveWeights(task.store, layout, weights);
    const load = ${JSON.stringify(mode)} === 'shard-load';
    one = () => {
      if (load) {
        weights[i % weights.length] += 1e-6; // new values, as after an optimizer step
        loadWeights(task.store, layout, weights);
      }
      shardGradients(task, layout, i++, [0], 2, new Rng(i).getState(), out, 'local'); // the shard's own loss: no features round
    };
  }
  one(); one();
}
function go() {
  const ts = [];
  for (let k = 0; k < ${STEPS}; k++) { const t = performance.now(); one(); ts.push(performance.now() - t); }
  return ts.sort((a, b) => a - b)[${STEPS} >> 1];
}
`;

interface Runner {
  ask(): Promise<number>;
  close(): void;
}
const once = (em: { once(e: 'message', f: (m: unknown) => void): unknown }) => new Promise<unknown>((r) => em.once('message', r));

async function main(): Promise<void> {
  // runner files inside the project (gitignored cache), where ts-node finds the project's tsconfig
  const cache = path.resolve(__dirname, '..', '.mvlm-cache');
  fs.mkdirSync(cache, { recursive: true });
  const dir = fs.mkdtempSync(path.join(cache, 'shards-'));
  const threadFile = path.join(dir, 'thread.js');
  const procFile = path.join(dir, 'proc.js');
  fs.writeFileSync(threadFile, `${runnerBody}\nconst { parentPort } = require('worker_threads'); init().then(() => parentPort.postMessage('ready')); parentPort.on('message', () => parentPort.postMessage(go()));`);
  fs.writeFileSync(procFile, `${runnerBody}\ninit().then(() => process.send('ready')); process.on('message', (m) => (m === 'exit' ? process.exit(0) : process.send(go())));`);
  const thread = async (): Promise<Runner> => {
    const w = new Worker(threadFile);
    w.once('error', (e) => {
      console.error(e);
      process.exit(1);
    });
    await once(w);
    return { ask: async () => ((await Promise.all([once(w), w.postMessage('go')]))[0] as number), close: () => void w.terminate() };
  };
  const proc = async (): Promise<Runner> => {
    const c = fork(procFile);
    c.once('exit', (code) => code && process.exit(1));
    await once(c);
    return { ask: async () => ((await Promise.all([once(c), c.send('go')]))[0] as number), close: () => void c.send('exit') };
  };
  const [t1, t2, p1, p2] = await Promise.all([thread(), thread(), proc(), proc()]);
  const t = { alone: [] as number[], threads: [] as number[], processes: [] as number[] };
  try {
    for (let r = 0; r < rounds; r++) {
      t.alone.push(await t1.ask());
      t.threads.push(Math.max(...(await Promise.all([t1.ask(), t2.ask()]))));
      t.processes.push(Math.max(...(await Promise.all([p1.ask(), p2.ask()]))));
    }
  } finally {
    [t1, t2, p1, p2].forEach((r) => r.close());
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const [alone, threads, processes] = [median(t.alone), median(t.threads), median(t.processes)];
  console.log(`${mode} (tiny, half batch): alone ${alone.toFixed(1)} ms; two threads at once ${threads.toFixed(1)} ms (${(threads / alone).toFixed(2)}x); two processes ${processes.toFixed(1)} ms (${(processes / alone).toFixed(2)}x)`);
}

void main();
