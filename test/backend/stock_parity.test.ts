/**
 * The stock path stays correct: with tfjs-node none of mvlm's wasm kernels run, so every registered
 * objective trains 2 steps on the `cpu` backend (stock kernels only) and must match the wasm run
 * (mvlm's kernels and fixes) in loss and every parameter gradient, leaving no tensor behind.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { VisionLanguageModel, loadFrozenText } from '../../lib/models';
import { OBJECTIVES, ObjectiveMix, ObjectiveSpec, TrainBatch } from '../../lib/objectives';
import { writeTinyUseModel } from '../../lib/pretrained';
import { Rng } from '../../lib/random';
import { expectNoLeak, maxRelError, normRelError } from '../helpers';
import { B, TEXT, disposeBatch, makeBatch, modelFor } from '../objectives/fixtures';

const STEPS = 2;
const TOLERANCE = 1e-4;
const USE_DIM = 512;

interface StepRecord {
  loss: number;
  grads: Map<string, Float32Array>;
}

/** Train `spec` STEPS Adam steps on the current backend from the same seeds; host copies of loss and gradients. */
async function trainSteps(spec: ObjectiveSpec, useDir: string): Promise<StepRecord[]> {
  const lit = spec.name === 'lit';
  const config = lit ? { ...modelFor(spec), textTower: { kind: 'use' as const, modelDir: useDir, dim: USE_DIM } } : modelFor(spec);
  const model = new VisionLanguageModel(config, TEXT, 1);
  const batch: TrainBatch = { ...makeBatch(3), captions: ['a red cat', 'the dog runs', 'a bird in the sky', 'blue car'].slice(0, B) };
  if (lit) model.attachFrozenText(await loadFrozenText(useDir));
  const mix = new ObjectiveMix([spec]);
  mix.check(model);
  await mix.prepare(model, { sampleImages: () => batch.images.clone(), captions: () => batch.captions! });
  const optimizer = tf.train.adam(3e-3);
  const records: StepRecord[] = [];
  try {
    for (let i = 0; i < STEPS; i++) {
      const rng = new Rng(100 + i);
      const params = model.store.trainable();
      const { value, grads } = tf.variableGrads(
        () => mix.loss({ model, batch, rng, ctx: { training: true, rng } }).total,
        params.map((p) => p.variable),
      );
      const host = new Map<string, Float32Array>();
      for (const p of params) if (grads[p.variable.name]) host.set(p.name, grads[p.variable.name].dataSync() as Float32Array);
      records.push({ loss: value.dataSync()[0], grads: host });
      optimizer.applyGradients(grads as tf.NamedTensorMap as Parameters<typeof optimizer.applyGradients>[0]);
      model.afterStep();
      tf.dispose([value, ...Object.values(grads)]);
    }
  } finally {
    optimizer.dispose();
    disposeBatch(batch);
    model.dispose();
  }
  return records;
}

async function onBackend<T>(name: string, fn: () => Promise<T>): Promise<T> {
  const previous = tf.getBackend();
  await tf.setBackend(name);
  try {
    return await fn();
  } finally {
    await tf.setBackend(previous);
  }
}

describe('backend: the stock kernels (cpu) train every objective as mvlm\'s wasm kernels do', function () {
  this.timeout(120000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-stock-'));
  const useDir = writeTinyUseModel({ dir: path.join(dir, 'use'), dim: USE_DIM }).modelDir;
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  for (const name of Object.keys(OBJECTIVES)) {
    it(`${name}: ${STEPS} steps, loss and every parameter's gradient within ${TOLERANCE} (relative)`, async () => {
      const spec: ObjectiveSpec = name === 'itm' ? { name, negatives: 'hard' } : { name };
      const fast = await expectNoLeak(() => trainSteps(spec, useDir));
      const stock = await onBackend('cpu', () => trainSteps(spec, useDir));
      for (let i = 0; i < STEPS; i++) {
        expect(maxRelError([fast[i].loss], [stock[i].loss]), `step ${i} loss wasm ${fast[i].loss} cpu ${stock[i].loss}`).to.be.below(TOLERANCE);
        expect([...fast[i].grads.keys()]).to.deep.equal([...stock[i].grads.keys()]);
        for (const [param, g] of fast[i].grads) {
          expect(normRelError(g, stock[i].grads.get(param)!), `step ${i} gradient of ${param}`).to.be.below(TOLERANCE);
        }
      }
    });
  }
});
