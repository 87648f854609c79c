import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { loadUseTower, UseTower } from '../../lib/pretrained';
import { Rng } from '../../lib/random';
import { expectNoLeak, maxRelError } from '../helpers';
import { editModelJson, makeTinyUse } from './tiny_dir';

/** Host copies of every graph-model weight, by name. */
function snapshot(tower: UseTower): Record<string, Float32Array | Int32Array | Uint8Array> {
  const out: Record<string, Float32Array | Int32Array | Uint8Array> = {};
  for (const [name, tensors] of Object.entries(tower.model.weights)) {
    out[name] = tensors[0].dataSync().slice() as Float32Array | Int32Array | Uint8Array;
  }
  return out;
}

describe('pretrained/use_tower is frozen', () => {
  let tiny: ReturnType<typeof makeTinyUse>;
  before(() => (tiny = makeTinyUse(5)));
  after(() => tiny.cleanup());

  it('an optimizer step on a loss through the embeddings moves the projection, never a USE weight', async () => {
    const tower = await loadUseTower({ modelDir: tiny.modelDir, cacheSize: 0 });
    const useTensors = Object.values(tower.model.weights).flat();
    expect(useTensors.length).to.be.above(0);
    expect(useTensors.some((t) => t instanceof tf.Variable), 'a USE weight is a tf.Variable').to.equal(false);
    const before = snapshot(tower);
    const texts = ['a cat sits on the mat', 'a dog runs in the sky', 'the red car', 'a blue bird'];
    const rng = new Rng(11);

    await expectNoLeak(async () => {
      const emb = await tower.embed(texts); // [B, 512], a constant for autograd
      const init = tf.randomNormal([512, 4], 0, 0.05, 'float32', rng.tfSeed());
      const w = tf.variable(init, true, 'use_frozen_test_proj');
      init.dispose();
      const target = tf.tensor2d(texts.map(() => Array.from({ length: 4 }, () => rng.normal())));
      const loss = () => tf.tidy(() => tf.losses.meanSquaredError(target, tf.matMul(emb, w)) as tf.Scalar);
      const w0 = w.dataSync().slice();

      // variableGrads with no list sees every trainable variable: the projection is there, USE is not.
      const { value, grads } = tf.variableGrads(loss);
      expect(Object.keys(grads)).to.include(w.name);
      for (const name of Object.keys(tower.model.weights)) expect(Object.keys(grads)).to.not.include(name);
      const registered = Object.values(tf.engine().registeredVariables);
      expect(registered.some((v) => useTensors.some((t) => t.dataId === v.dataId))).to.equal(false);
      const loss0 = value.dataSync()[0];
      tf.dispose([value, ...Object.values(grads)]);

      const opt = tf.train.sgd(0.5);
      for (let step = 0; step < 5; step++) opt.minimize(loss)?.dispose();
      const final = loss();
      const loss5 = final.dataSync()[0];
      final.dispose();
      expect(loss5, 'the projection learns').to.be.below(loss0);
      expect(maxRelError(w.dataSync(), w0, 1e-3)).to.be.above(1e-3);

      const after = snapshot(tower);
      for (const name of Object.keys(before)) expect(Array.from(after[name]), name).to.deep.equal(Array.from(before[name]));
      // And the tower still embeds exactly as before (cacheSize 0: this runs the model again).
      const again = await tower.embed(texts);
      expect(Array.from(again.dataSync())).to.deep.equal(Array.from(emb.dataSync()));
      opt.dispose();
      tf.dispose([emb, w, target, again]);
    });
    tower.dispose();
  });

  it('a graph with a dynamic op runs through executeAsync, as the package does, with the same result', async () => {
    const plain = await loadUseTower({ modelDir: tiny.modelDir, cacheSize: 0 });
    const want = await plain.embed(['a cat', 'the dog runs']);
    const i32 = { type: 'DT_INT32' };
    // Route the piece ids through Where (a dynamic op): ids = GatherNd(values, Where(values >= 0)).
    editModelJson(tiny.modelDir, (j) => {
      const nodes = j.modelTopology.node;
      nodes.push(
        { name: 'ids_ok', op: 'GreaterEqual', input: ['values', 'sentence_column'], attr: { T: i32 } },
        { name: 'ids_where', op: 'Where', input: ['ids_ok'], attr: { T: { type: 'DT_BOOL' } } },
        { name: 'ids_kept', op: 'GatherNd', input: ['values', 'ids_where'], attr: { Tparams: i32, Tindices: i32 } },
      );
      nodes.find((n) => n.name === 'mean')!.input[1] = 'ids_kept';
    });
    const dynamic = await loadUseTower({ modelDir: tiny.modelDir, cacheSize: 0 });
    let asyncCalls = 0;
    const run = dynamic.model.executeAsync.bind(dynamic.model);
    dynamic.model.executeAsync = (...a: Parameters<typeof run>) => (asyncCalls++, run(...a));
    const warn = console.warn;
    console.warn = () => undefined; // tfjs warns when executeAsync was not needed; here it is
    try {
      await expectNoLeak(async () => {
        const got = await dynamic.embed(['a cat', 'the dog runs']);
        expect(asyncCalls).to.equal(1);
        expect(maxRelError(got.dataSync(), want.dataSync(), 1e-3)).to.be.below(1e-6);
        got.dispose();
      });
    } finally {
      console.warn = warn;
    }
    want.dispose();
    plain.dispose();
    dynamic.dispose();
  });
});
