import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { BENCH_OBJECTIVES, BenchConfig, benchShardTask, objectiveConfig } from '../../lib/bench';
import { loadConfig } from '../../lib/config';
import { OBJECTIVES, ObjectiveSpec, objectiveModules } from '../../lib/objectives';
import { ShardMode, ShardTask, joinFeatures, paramLayout, shardFeatures, shardGradients } from '../../lib/parallel';
import { writeTinyUseModel } from '../../lib/pretrained';
import { Rng } from '../../lib/random';
import { ExperimentConfigSchema, setupExperiment } from '../../lib/run';
import { experimentShardTask } from '../../lib/run/shard_task';
import { microConfig } from '../bench/micro';

/** Towers small enough that 3 steps of every objective take seconds; batch 4 in 2 shards of 2. */
const MICRO = microConfig(4);
const STEPS = 3;
const LR = 0.1;
// max |Δw| / max |w| over every trainable weight: measured ≤ 1.2e-7 (a few float32 ulps of the largest weights)
const WEIGHTS_TOLERANCE = 1e-6;

interface Trace {
  losses: number[];
  terms: Record<string, number>[];
  weights: Float32Array;
}

/**
 * STEPS AdamW steps of `task` with each step's batch cut into `numShards` shards, driven in this
 * thread exactly as the workers drive theirs (features pass, then shard gradients, mean over shards).
 */
function train(task: ShardTask, numShards: number, mode: ShardMode = 'global'): Trace {
  const layout = paramLayout(task.store);
  const flat = new Float32Array(layout.total);
  const shards = Array.from({ length: numShards }, (_, k) => k);
  const trace: Trace = { losses: [], terms: [], weights: new Float32Array(layout.total) };
  try {
    for (let step = 1; step <= STEPS; step++) {
      const state = new Rng(9).fork(`step ${step}`).getState();
      const gathered = mode === 'global' && task.gathers && numShards > 1 ? joinFeatures(shardFeatures(task, step, shards, numShards, state)) : undefined;
      const r = shardGradients(task, layout, step, shards, numShards, state, flat, mode, gathered);
      trace.losses.push(r.total / numShards);
      trace.terms.push(Object.fromEntries(Object.entries(r.terms).map(([k, v]) => [k, v / numShards])));
      // plain SGD: AdamW would turn float noise in a zero gradient into a full ±lr step (see below)
      task.store.trainable().forEach((p, i) => {
        const g = flat.subarray(layout.offsets[i], layout.offsets[i] + p.variable.size);
        tf.tidy(() => p.variable.assign(p.variable.sub(tf.tensor(g, p.variable.shape).mul(LR / numShards))));
      });
    }
    task.store.trainable().forEach((p, i) => trace.weights.set(p.variable.dataSync() as Float32Array, layout.offsets[i]));
    return trace;
  } finally {
    task.dispose();
  }
}

const relative = (a: number, b: number) => Math.abs(a - b) / Math.max(Math.abs(b), 1e-12);

/**
 * Terms are log-likelihoods, lse − logit of O(1) numbers: float32 rounds them absolutely (an ulp
 * of 1 is 1.2e-7), not relatively, so a term trained near 0 carries O(1)'s rounding. OpenBLAS
 * blocks a product by its row count, so 2 shards' [2, ·] products round unlike 1 shard's [4, ·]:
 * flava/itm at step 2 (0.0019985) differs by 6.0e-8 = 2^-24 between 1 and 2 shards with OpenBLAS,
 * and by the same 6.0e-8 between 1 shard with and without OpenBLAS (2 shards without: equal).
 * Over every case here the largest |Δ| of a term below 1 is 3.0e-7 with OpenBLAS, 2.4e-7 without
 * (MVLM_NATIVE_BLAS=0). Hence |Δ| ≤ 1e-5·|term| + TERM_ROUNDING (1e-6, ~8 ulps of 1): a real
 * difference (a per-shard draw or denominator) moves a term by a fraction of itself, which stays
 * above 1e-6 for any term above ~1e-5; the total loss keeps the plain 1e-5 relative check.
 */
const TERM_ROUNDING = 1e-6;
const termError = (a: number, b: number) => Math.abs(a - b) / (1e-5 * Math.abs(b) + TERM_ROUNDING);

/** max |a − b| / max |b|: weights near zero get no relative slack they cannot use. */
function scaledError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  b.forEach((v, i) => {
    diff = Math.max(diff, Math.abs(a[i] - v));
    scale = Math.max(scale, Math.abs(v));
  });
  return diff / scale;
}

/** One objective spec on the micro towers (the bench's synthetic batches). */
function benchTask(spec: ObjectiveSpec): () => Promise<ShardTask> {
  const base = BENCH_OBJECTIVES.includes(spec.name) ? objectiveConfig(spec.name, MICRO) : MICRO;
  const { mlmHead: _m, pixelDecoder: _p, ...towers } = MICRO.model;
  const cfg: BenchConfig = { ...base, name: `micro/${JSON.stringify(spec)}`, objectives: [spec], model: { ...towers, ...objectiveModules([spec], 'test') } };
  return async () => benchShardTask({ cfg, seed: 3 });
}

/** LiT needs a frozen text tower and captions: its preset on shapes with a tiny USE-format model. */
function litTask(dir: string, loss: 'clip' | 'siglip'): () => Promise<ShardTask> {
  return async () => {
    const tiny = writeTinyUseModel({ dir: path.join(dir, 'use') });
    const sets = [`model.textTower.modelDir=${tiny.modelDir}`, `objectives.0.loss=${loss}`, `model.logitBias=${loss === 'siglip'}`, 'data.train=shapes', 'data.size=16', 'data.batchSize=4', 'model.width=32', 'model.depth=1', 'model.heads=2'];
    const { config } = loadConfig(ExperimentConfigSchema, 'lit_uL_use', sets);
    const exp = await setupExperiment(config);
    const tokenizer = exp.tokenizer.toJSON();
    exp.model.dispose();
    return experimentShardTask({ config, tokenizer });
  };
}

describe('parallel: every objective sees the whole batch, whatever the shard count', function () {
  this.timeout(300000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-global-batch-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  // every registered objective (a new one is covered without touching this list), and the options that change what crosses shards
  const cases: [string, () => Promise<ShardTask>][] = Object.keys(OBJECTIVES).map((name) => [name, name === 'lit' ? litTask(dir, 'clip') : benchTask({ name })]);
  cases.push(['itm (hard negatives)', benchTask({ name: 'itm', negatives: 'hard' })]);
  cases.push(['caption (no contrastive)', benchTask({ name: 'caption', contrastive: false })]);
  cases.push(['lit (siglip)', litTask(dir, 'siglip')]);
  // stage 2 from step 2: its first pass gathers nothing, its caption loss has the whole batch's denominator
  const qformerStage2 = benchTask({ name: 'qformer', stage1Steps: 1 });
  cases.push(['qformer (stage 2 from step 2)', qformerStage2]);

  for (const [name, make] of cases) {
    it(`${name}: 2 shards log the losses and terms of 1 at every step and end at its weights`, async () => {
      const before = tf.memory().numTensors;
      const one = train(await make(), 1);
      const two = train(await make(), 2);
      expect(tf.memory().numTensors, 'tensors').to.equal(before);
      expect(one.losses.every(Number.isFinite), 'finite').to.equal(true);
      expect(one.losses[STEPS - 1], 'the loss moves').to.not.equal(one.losses[0]);
      for (let s = 0; s < STEPS; s++) {
        expect(relative(two.losses[s], one.losses[s]), `loss at step ${s + 1}: ${two.losses[s]} vs ${one.losses[s]}`).to.be.below(1e-5);
        expect(Object.keys(two.terms[s]).sort()).to.deep.equal(Object.keys(one.terms[s]).sort());
        for (const [k, v] of Object.entries(one.terms[s])) expect(termError(two.terms[s][k], v), `${k} at step ${s + 1}: ${two.terms[s][k]} vs ${v}`).to.be.at.most(1);
      }
      expect(scaledError(two.weights, one.weights), 'weights after 3 steps').to.be.below(WEIGHTS_TOLERANCE);
    });
  }

  it('a sharded step knows its step: qformer trains stage 1 at step 1 and stage 2 after, not both', async () => {
    const stage = (t: Record<string, number>) => ({ stage1: t['qformer/itc'] !== 0 && t['qformer/itm'] !== 0 && t['qformer/itg'] !== 0, stage2: t['qformer/lm'] !== 0 });
    const two = train(await qformerStage2(), 2);
    expect(two.terms.map(stage)).to.deep.equal([
      { stage1: true, stage2: false },
      { stage1: false, stage2: true },
      { stage1: false, stage2: true },
    ]);
  });

  it('shard gradients of a feature-gathering task without the gathered features fail, saying what to pass', async () => {
    const task = await benchTask({ name: 'clip' })();
    try {
      const layout = paramLayout(task.store);
      expect(() => shardGradients(task, layout, 1, [0, 1], 2, 0, new Float32Array(layout.total))).to.throw(/gathers features; pass the joined features of the step \(shardFeatures \+ joinFeatures\)/);
    } finally {
      task.dispose();
    }
  });

  it("the old per-shard objective ('local') differs: the comparison above can fail", async () => {
    const one = train(await benchTask({ name: 'clip' })(), 1, 'local');
    const two = train(await benchTask({ name: 'clip' })(), 2, 'local');
    // 2 negatives per row instead of 4: a smaller loss at step 1 (log 2 vs log 4 at chance)
    expect(two.losses[0]).to.be.below(one.losses[0] * 0.9);
  });
});
