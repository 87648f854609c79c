/** Float32 tensors to and from host arrays (lib/backend/wasm/host_copy.ts) on wasm and on cpu. */
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { useBackend } from '../../../lib/backend';
import { floatsOf, tensorFromFloats } from '../../../lib/backend/wasm/host_copy';
import { expectNoLeak } from '../../helpers';

for (const backend of ['wasm', 'cpu']) {
  describe(`wasm/host_copy on ${backend}`, () => {
    before(() => useBackend(backend as 'wasm' | 'cpu'));
    after(() => useBackend('wasm'));

    it('tensorFromFloats copies a view of shared memory into a new tensor of the shape', async () => {
      const shared = new Float32Array(new SharedArrayBuffer(4 * 10)).map((_, i) => i - 3.5);
      await expectNoLeak(() => {
        const t = tensorFromFloats(shared.subarray(2, 8), [2, 3]);
        shared[2] = 99; // the tensor owns its copy
        expect(t.shape).to.deep.equal([2, 3]);
        expect(Array.from(t.dataSync())).to.deep.equal([-1.5, -0.5, 0.5, 1.5, 2.5, 3.5]);
        t.dispose();
        shared[2] = -1.5;
      });
    });

    it('floatsOf reads the values tf computed', async () => {
      await expectNoLeak(() => {
        const t = tf.tidy(() => tf.range(0, 6, 1, 'float32').mul(2).reshape([3, 2]));
        expect(Array.from(floatsOf(t))).to.deep.equal([0, 2, 4, 6, 8, 10]);
        t.dispose();
      });
    });

    it('fails with the sizes and the shape when they disagree, and on int tensors', () => {
      expect(() => tensorFromFloats(new Float32Array(5), [2, 3])).to.throw(/5 values for shape \[2,3\] \(6\)/);
      const ids = tf.tensor1d([1, 2], 'int32');
      expect(() => floatsOf(ids)).to.throw(/int32/);
      ids.dispose();
    });
  });
}
