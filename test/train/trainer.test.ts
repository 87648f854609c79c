import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { disposeCheckpoint, latestCheckpoint, listCheckpoints, loadCheckpoint } from '../../lib/train/checkpoint';
import { readMetrics } from '../../lib/train/metrics';
import { NonFiniteLossError } from '../../lib/train/monitor';
import { train } from '../../lib/train/trainer';
import { expectNoLeak, maxRelError } from '../helpers';
import { Rng } from '../../lib/random';
import { GradAccumulator } from '../../lib/train/accumulate';
import { ToyTask } from './toy';

const base = { lr: 0.05, warmupSteps: 2, minLrRatio: 0.1, weightDecay: 0.01, clipNorm: 1, quiet: true };
const tmpRun = () => fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-train-'));

describe('train/trainer', () => {
  it('brings the loss down and logs every field to metrics.jsonl', async () => {
    const out = tmpRun();
    const task = new ToyTask();
    const res = await expectNoLeak(async () => {
      const r = await train(task, { ...base, steps: 60, logEvery: 10, out });
      return r;
    });
    expect(res.history.map((h) => h.step)).to.deep.equal(Array.from({ length: 60 }, (_, i) => i + 1));
    const mean = (a: number[]) => a.reduce((x, y) => x + y, 0) / a.length;
    const first = mean(res.history.slice(0, 10).map((h) => h.loss));
    const last = mean(res.history.slice(-10).map((h) => h.loss));
    expect(last).to.be.lessThan(first * 0.5);
    const lines = readMetrics(path.join(out, 'metrics.jsonl'));
    expect(lines.map((l) => l.step)).to.deep.equal([10, 20, 30, 40, 50, 60]);
    for (const key of ['step', 'loss', 'mse', 'l2', 'gradNorm', 'lr', 'samplesPerSec', 'numTensors']) expect(lines[0]).to.have.property(key);
    expect(lines[0].loss).to.be.closeTo(mean(res.history.slice(0, 10).map((h) => h.loss)), 1e-6);
    expect(lines[0].samplesPerSec).to.be.greaterThan(0);
    // the final checkpoint is written and loads
    expect(listCheckpoints(out).map((c) => c.step)).to.deep.equal([60]);
    task.dispose();
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('keeps tf.memory().numTensors flat across 200 steps', async () => {
    const task = new ToyTask();
    const counts: number[] = [];
    await expectNoLeak(async () => {
      await train(
        Object.assign(task, { afterStep: (s: number) => (s % 10 === 0 ? counts.push(tf.memory().numTensors) : 0) }),
        { ...base, steps: 200, logEvery: 10, accumulate: 2 },
      );
    });
    expect(counts).to.have.length(20);
    expect(new Set(counts).size, `numTensors per 10 steps: ${counts}`).to.equal(1);
    task.dispose();
  });

  it('accumulating 2 micro-batches of 4 equals 1 batch of 8', async () => {
    const run = async (accumulate: number) => {
      const task = new ToyTask({ batch: 8 / accumulate, noise: 0 });
      await train(task, { ...base, steps: 3, accumulate, logEvery: 1 });
      const p = task.params();
      task.dispose();
      return p;
    };
    const one = await run(1);
    const two = await run(2);
    expect(maxRelError(two['lin.w'], one['lin.w'])).to.be.lessThan(1e-5);
    expect(maxRelError(two['lin.b'], one['lin.b'], 1e-3)).to.be.lessThan(1e-5);
    // and it is a real comparison: a different batch gives different params
    const other = new ToyTask({ batch: 4, noise: 0 });
    await train(other, { ...base, steps: 3, logEvery: 1 });
    expect(maxRelError(other.params()['lin.w'], one['lin.w'])).to.be.greaterThan(1e-4);
    other.dispose();
  });

  it('a gradients hook replaces the local loop (same params as the loop computing the same gradients)', async () => {
    const local = new ToyTask({ noise: 0 });
    const localRun = await train(local, { ...base, steps: 3, logEvery: 1 });
    const hooked = new ToyTask({ noise: 0 });
    const data = new Rng(0).fork('data'); // the trainer's data stream (default seed 0), replayed by the hook
    const acc = new GradAccumulator(hooked.store);
    let calls = 0;
    hooked.gradients = async (step: number, rng: Rng) => {
      calls++;
      const batch = hooked.nextBatch(step, data);
      try {
        acc.add(() => hooked.loss(batch, step, rng));
      } finally {
        hooked.disposeBatch(batch);
      }
      return { ...acc.finish(), samples: 8 };
    };
    const hookedRun = await train(hooked, { ...base, steps: 3, logEvery: 1 });
    expect(calls).to.equal(3);
    expect(hookedRun.history.map((h) => h.loss)).to.deep.equal(localRun.history.map((h) => h.loss));
    expect(maxRelError(hooked.params()['lin.w'], local.params()['lin.w'])).to.be.lessThan(1e-6);
    acc.dispose();
    local.dispose();
    hooked.dispose();
  });

  it('a run of 20 steps equals 10 steps resumed for 10 more (RNGs, optimizer, cursor restored)', async () => {
    const opts = { ...base, steps: 20, decaySteps: 20, logEvery: 5, checkpointEvery: 5, seed: 3 };
    const outA = tmpRun();
    const a = new ToyTask({ batch: 6 });
    const full = await train(a, { ...opts, out: outA });
    const outB = tmpRun();
    const b1 = new ToyTask({ batch: 6 });
    await train(b1, { ...opts, steps: 10, out: outB });
    b1.dispose();
    // a fresh task (new params, new data cursor) continues from the checkpoint
    const b2 = new ToyTask({ batch: 6, seed: 1 });
    const resumed = await expectNoLeak(() => train(b2, { ...opts, out: outB, resume: true }));
    expect(resumed.history.map((h) => h.step)).to.deep.equal([11, 12, 13, 14, 15, 16, 17, 18, 19, 20]);
    for (const h of resumed.history) {
      const ref = full.history[h.step - 1];
      expect(Math.abs(h.loss - ref.loss), `step ${h.step}`).to.be.lessThan(1e-6);
      expect(Math.abs(h.terms.mse - ref.terms.mse), `step ${h.step}`).to.be.lessThan(1e-6);
    }
    expect(maxRelError(b2.params()['lin.w'], a.params()['lin.w'])).to.be.lessThan(1e-6);
    const linesA = readMetrics(path.join(outA, 'metrics.jsonl'));
    const linesB = readMetrics(path.join(outB, 'metrics.jsonl'));
    expect(linesB.map((l) => l.step)).to.deep.equal(linesA.map((l) => l.step));
    linesB.forEach((l, i) => expect(Math.abs(l.loss - linesA[i].loss)).to.be.lessThan(1e-6));
    a.dispose();
    b2.dispose();
    fs.rmSync(outA, { recursive: true, force: true });
    fs.rmSync(outB, { recursive: true, force: true });
  });

  it('refuses to start over a run with checkpoints unless told, and resume needs a checkpoint', async () => {
    const out = tmpRun();
    const task = new ToyTask();
    await expectNoLeak(async () => {
      let err: Error | null = null;
      await train(task, { ...base, steps: 2, out, resume: true }).catch((e) => (err = e));
      expect(err!.message).to.match(/no checkpoint in .*checkpoints/);
      await train(task, { ...base, steps: 2, out });
      await train(task, { ...base, steps: 2, out }).catch((e) => (err = e));
      expect(err!.message).to.match(/already has checkpoints/);
      await train(task, { ...base, steps: 2, out, overwrite: true });
    });
    task.dispose();
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('stops on a NaN loss naming the step and the term, keeping the last good checkpoint', async () => {
    const out = tmpRun();
    const task = new ToyTask({ nanAt: 13 });
    let err: NonFiniteLossError | null = null;
    await expectNoLeak(async () => {
      await train(task, { ...base, steps: 30, logEvery: 10, checkpointEvery: 5, out }).catch((e) => (err = e));
    });
    expect(err).to.be.instanceOf(NonFiniteLossError);
    expect(err!.step).to.equal(13);
    expect(err!.term).to.equal('mse');
    expect(err!.message).to.match(/step 13: term "mse" = NaN/);
    expect(err!.message).to.contain(path.join('checkpoints', 'step-10'));
    expect(listCheckpoints(out).map((c) => c.step)).to.deep.equal([5, 10]);
    const ck = loadCheckpoint(latestCheckpoint(out)!);
    for (const t of [...ck.model.values(), ...ck.optimizer.values()]) {
      expect(Array.from(t.dataSync()).every(Number.isFinite)).to.equal(true);
    }
    disposeCheckpoint(ck);
    // the metrics log holds only checked steps
    expect(readMetrics(path.join(out, 'metrics.jsonl')).map((l) => l.step)).to.deep.equal([10]);
    task.dispose();
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('runs the eval hook every N steps and at the end, logging its results', async () => {
    const out = tmpRun();
    const task = new ToyTask();
    const calls: number[] = [];
    task.evalHook = {
      every: 4,
      run: async (step: number) => {
        calls.push(step);
        return { score: step * 2 };
      },
    };
    const res = await train(task, { ...base, steps: 10, logEvery: 5, out });
    expect(calls).to.deep.equal([4, 8, 10]);
    expect(res.evals.map((e) => e.results.score)).to.deep.equal([8, 16, 20]);
    const lines = readMetrics(path.join(out, 'metrics.jsonl'));
    expect(lines.map((l) => [l.step, l.eval?.score ?? null])).to.deep.equal([
      [4, 8],
      [5, null],
      [8, 16],
      [10, 20],
    ]);
    task.dispose();
    fs.rmSync(out, { recursive: true, force: true });
  });

  it('rejects bad options with the key path', async () => {
    const task = new ToyTask();
    let err: Error | null = null;
    await train(task, { ...base, steps: 'ten' as unknown as number, lrr: 1 } as never).catch((e) => (err = e));
    expect(err!.message).to.contain('steps: expected number, got string "ten" (in train options)');
    expect(err!.message).to.contain('lrr: unknown key');
    task.dispose();
  });
});
