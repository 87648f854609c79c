import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { initBackend, isWasmMatMulPatched, useBackend } from '../../lib/backend';
import { expectNoLeak, maxRelError } from '../helpers';

describe('backend', () => {
  it('initBackend is idempotent and names the backend', async () => {
    const a = await initBackend();
    const b = await initBackend();
    expect(a).to.equal(b);
    expect(tf.getBackend()).to.equal(a.backend);
    expect(a.reason).to.be.a('string').and.not.empty;
  });

  describe('wasm kernel fixes', function () {
    before(async function () {
      if ((await initBackend()).backend !== 'wasm') this.skip();
    });
    afterEach(async () => useBackend('wasm'));

    it('transposed matMul gives the same numbers as explicit transposes', async () => {
      await expectNoLeak(() => {
        tf.tidy(() => {
          const a = tf.randomNormal([3, 5, 4], 0, 1, 'float32', 1);
          const b = tf.randomNormal([3, 6, 5], 0, 1, 'float32', 2);
          const viaFlags = tf.matMul(a, b, true, true);
          const explicit = tf.matMul(a.transpose([0, 2, 1]), b.transpose([0, 2, 1]));
          expect(viaFlags.shape).to.deep.equal([3, 4, 6]);
          expect(tf.max(tf.abs(viaFlags.sub(explicit))).dataSync()[0]).to.be.below(1e-5);
        });
      });
    });

    it('routes BatchMatMul through the installed override', () => {
      // The timing floor (<= 2x the plain product) is measured by `npm run bench:matmul`, not here.
      expect(isWasmMatMulPatched()).to.equal(true);
    });

    it('Identity shares the buffer, and the clone outlives its source', async () => {
      await expectNoLeak(() => {
        const x = tf.tensor2d([1, 2, 3, 4], [2, 2]);
        const y = x.clone();
        x.dispose();
        expect(Array.from(y.dataSync())).to.deep.equal([1, 2, 3, 4]);
        y.dispose();
      });
    });

    it('Transpose of [R, C] with R a multiple of 256 and Sum over leading axes equal cpu', async () => {
      const values = Array.from({ length: 512 * 3 }, (_, i) => Math.sin(i));
      const run = () =>
        tf.tidy(() => {
          const x = tf.tensor2d(values, [512, 3]);
          const x3 = x.reshape([32, 16, 3]);
          return [x.transpose(), x.sum(0), x3.sum([0, 1], true), x3.sum(1)].map((t) => ({ shape: t.shape, v: Array.from(t.dataSync()) }));
        });
      const wasm = await expectNoLeak(run);
      await useBackend('cpu');
      const cpu = run();
      for (let i = 0; i < cpu.length; i++) {
        expect(wasm[i].shape).to.deep.equal(cpu[i].shape);
        expect(maxRelError(wasm[i].v, cpu[i].v)).to.be.below(1e-5);
      }
    });

    it('GatherV2 equals cpu on any axis and dtype, and names an out-of-range index', async () => {
      const values = Array.from({ length: 4 * 5 * 3 }, (_, i) => Math.cos(i) * 10);
      const ids = [[4, 0], [2, 4], [1, 1]];
      const run = () =>
        tf.tidy(() => {
          const x = tf.tensor3d(values, [4, 5, 3]);
          const i = tf.tensor2d(ids, [3, 2], 'int32');
          const flat = tf.tensor1d([3, 0, 3], 'int32');
          return [tf.gather(x, flat), tf.gather(x, i, 1), tf.gather(x.toInt(), i, 2 - 1), tf.gather(x, tf.tensor1d([2, 0, 2], 'int32'), 2)].map((t) => ({ shape: t.shape, dtype: t.dtype, v: Array.from(t.dataSync()) }));
        });
      const wasm = await expectNoLeak(run);
      expect(() => tf.tidy(() => tf.gather(tf.ones([3, 2]), tf.tensor1d([0, 3], 'int32')))).to.throw(/index value 3 is not in \[0, 2\]/);
      await useBackend('cpu');
      expect(wasm).to.deep.equal(run());
    });

    it('gather has a gradient on wasm equal to cpu, duplicates summed', async () => {
      const tableValues = Array.from({ length: 40 }, (_, i) => Math.sin(i));
      const ids = [1, 3, 1, 1, 9, 0];
      const weights = Array.from({ length: 24 }, (_, i) => i * 0.5 - 3);
      const gradOn = async () =>
        tf.tidy(() => {
          const table = tf.tensor2d(tableValues, [10, 4]);
          const w = tf.tensor2d(weights, [6, 4]);
          const f = (t: tf.Tensor) => tf.gather(t, tf.tensor1d(ids, 'int32')).mul(w).sum();
          return tf.grad(f)(table);
        });
      const wasmGrad = await expectNoLeak(async () => {
        const g = await gradOn();
        const v = await g.array();
        g.dispose();
        return v as number[][];
      });
      await useBackend('cpu');
      const g = await gradOn();
      const cpuGrad = (await g.array()) as number[][];
      g.dispose();
      expect(wasmGrad).to.deep.equal(cpuGrad);
      expect(wasmGrad[1]).to.deep.equal([0, 1, 2, 3].map((j) => weights[j] + weights[8 + j] + weights[12 + j]));
    });
  });
});
