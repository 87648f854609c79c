import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { BENCH_TASK_MODULE, BENCH_TEXT, benchShardTask } from '../../lib/bench';
import { VisionLanguageModel } from '../../lib/models';
import { DataParallel, ShardTask, joinFeatures, paramLayout, shardFeatures, shardGradients } from '../../lib/parallel';
import { Rng } from '../../lib/random';
import { AdamW } from '../../lib/train/adamw';
import { MVLM_KERNELS } from '../../lib/backend';
import { maxRelError } from '../helpers';
import { microConfig } from '../bench/micro';

const MICRO = microConfig(8);
const SEED = 5;
const source = { module: BENCH_TASK_MODULE, exportName: 'benchShardTask', args: { cfg: MICRO, seed: SEED } };

/** In this thread what the workers do for one step over shards 0 and 1: features round, then gradients. */
function bothShards(task: ShardTask, step: number, state: number, flat: Float32Array) {
  const layout = paramLayout(task.store);
  const gathered = joinFeatures(shardFeatures(task, step, [0, 1], 2, state));
  return shardGradients(task, layout, step, [0, 1], 2, state, flat, 'global', gathered);
}

/** Three AdamW steps driven by `workers` workers over 2 shards; losses and the final weights. */
async function run(workers: number): Promise<{ losses: number[]; terms: Record<string, number>[]; weights: Float32Array }> {
  const model = new VisionLanguageModel(MICRO.model, BENCH_TEXT, SEED);
  const optimizer = new AdamW(model.store, { weightDecay: 0 });
  const dp = await DataParallel.start({ workers, shards: 2, source, store: model.store });
  const losses: number[] = [];
  const terms: Record<string, number>[] = [];
  try {
    const rng = new Rng(9);
    const before = tf.memory().numTensors;
    for (let step = 1; step <= 3; step++) {
      const r = await dp.gradients(step, rng.fork(`step ${step}`).getState());
      optimizer.apply(r.grads, 1e-3);
      tf.dispose([...r.grads.values()]);
      losses.push(r.total);
      terms.push(r.terms);
    }
    expect(tf.memory().numTensors, 'coordinator tensors').to.equal(before);
    const layout = paramLayout(model.store);
    const weights = new Float32Array(layout.total);
    model.store.trainable().forEach((p, i) => weights.set(p.variable.dataSync() as Float32Array, layout.offsets[i]));
    return { losses, terms, weights };
  } finally {
    await dp.close();
    optimizer.dispose();
    model.dispose();
  }
}

describe('parallel: data-parallel gradients over worker_threads', function () {
  this.timeout(120000);

  it('2 workers give the same losses, terms and weights as 1 worker on the same global batch', async () => {
    const one = await run(1);
    const two = await run(2);
    expect(one.losses.every(Number.isFinite)).to.equal(true);
    expect(one.losses[2], 'the loss moves').to.not.equal(one.losses[0]);
    for (let i = 0; i < 3; i++) {
      expect(Math.abs(two.losses[i] - one.losses[i]) / Math.abs(one.losses[i]), `loss ${i}`).to.be.below(1e-5);
      expect(Object.keys(two.terms[i]).sort()).to.deep.equal(['clip/contrastive', 'mae/mim', 'mlm/mlm']);
      for (const k of Object.keys(one.terms[i])) expect(two.terms[i][k]).to.be.closeTo(one.terms[i][k], 1e-5 * Math.abs(one.terms[i][k]) + 1e-7);
    }
    expect(maxRelError(two.weights, one.weights)).to.be.below(1e-4);
  });

  it('3 steps with 2 workers end at the weights of the same 3 steps in one process (no stale weights in workers)', async () => {
    // in-process reference: the task's own replica, the mean over the 2 shards, the same AdamW
    const before = tf.memory().numTensors;
    const task = benchShardTask({ cfg: MICRO, seed: SEED });
    const layout = paramLayout(task.store);
    const optimizer = new AdamW(task.store, { weightDecay: 0 });
    const flat = new Float32Array(layout.total);
    const losses: number[] = [];
    try {
      const rng = new Rng(9);
      for (let step = 1; step <= 3; step++) {
        const r = bothShards(task, step, rng.fork(`step ${step}`).getState(), flat);
        losses.push(r.total / 2);
        const grads = new Map(layout.names.map((n, i) => [n, tf.tensor(flat.slice(layout.offsets[i], layout.offsets[i] + tf.util.sizeFromShape(layout.shapes[i])).map((v) => v / 2), layout.shapes[i])]));
        optimizer.apply(grads, 1e-3);
        tf.dispose([...grads.values()]);
      }
      const weights = new Float32Array(layout.total);
      task.store.trainable().forEach((p, i) => weights.set(p.variable.dataSync() as Float32Array, layout.offsets[i]));
      const two = await run(2);
      // step 3's loss is computed at weights two updates in: stale weights in a worker would show here
      losses.forEach((l, i) => expect(Math.abs(two.losses[i] - l) / Math.abs(l), `loss ${i}`).to.be.below(1e-5));
      expect(maxRelError(two.weights, weights)).to.be.below(1e-4);
    } finally {
      optimizer.dispose();
      task.dispose();
    }
    expect(tf.memory().numTensors, 'in-process reference tensors').to.equal(before);
  });

  it('the mean of shard gradients equals the in-process sum over shards / 2', async () => {
    // In-process reference: the same task, the same shard rngs, no threads.
    const before = tf.memory().numTensors;
    const task = benchShardTask({ cfg: MICRO, seed: SEED });
    const layout = paramLayout(task.store);
    const flat = new Float32Array(layout.total);
    const state = new Rng(9).fork('step 1').getState();
    const ref = bothShards(task, 1, state, flat);
    task.dispose();
    const model = new VisionLanguageModel(MICRO.model, BENCH_TEXT, SEED);
    const dp = await DataParallel.start({ workers: 2, source, store: model.store });
    try {
      const r = await dp.gradients(1, state);
      expect(r.total).to.be.closeTo(ref.total / 2, 1e-5 * Math.abs(ref.total));
      const got = new Float32Array(layout.total);
      layout.names.forEach((n, i) => got.set(r.grads.get(n)!.dataSync() as Float32Array, layout.offsets[i]));
      tf.dispose([...r.grads.values()]);
      const want = flat.map((v) => v / 2);
      expect(maxRelError(got, want)).to.be.below(1e-4);
      expect(Math.max(...want.map(Math.abs)), 'gradients are not all zero').to.be.above(0);
      // the same step again with the mean as tensor ops instead of the wasm kernel: the same floats
      MVLM_KERNELS.meanRows = false;
      const again = await dp.gradients(1, state).finally(() => (MVLM_KERNELS.meanRows = true));
      const tensorPath = new Float32Array(layout.total);
      layout.names.forEach((n, i) => tensorPath.set(again.grads.get(n)!.dataSync() as Float32Array, layout.offsets[i]));
      layout.names.forEach((n, i) => expect(again.grads.get(n)!.shape, n).to.deep.equal(layout.shapes[i]));
      tf.dispose([...again.grads.values()]);
      expect(Array.from(tensorPath)).to.deep.equal(Array.from(got));
    } finally {
      await dp.close();
      model.dispose();
    }
    expect(tf.memory().numTensors, 'reference and coordinator tensors').to.equal(before);
  });

  it('a factory that does not exist fails at start with its name', async () => {
    const model = new VisionLanguageModel(MICRO.model, BENCH_TEXT, SEED);
    try {
      let err: Error | null = null;
      await DataParallel.start({ workers: 1, source: { ...source, exportName: 'nope' }, store: model.store }).catch((e) => (err = e));
      expect(String(err)).to.match(/no export 'nope'/);
    } finally {
      model.dispose();
    }
  });
});
