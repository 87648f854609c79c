import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { CORE_FUSED } from '../../lib/backend';
import { gelu } from '../../lib/core';
import { layerNorm } from '../../lib/core/fused';
import { expectNoLeak, maxRelError } from '../helpers';

/** Run `fn` with a fused op switched off (the plain autograd formulation). */
function plain<T>(key: keyof typeof CORE_FUSED, fn: () => T): T {
  CORE_FUSED[key] = false;
  try {
    return fn();
  } finally {
    CORE_FUSED[key] = true;
  }
}

const arrays = (ts: tf.Tensor[]) => ts.map((t) => Array.from(t.dataSync()));

describe('core/fused', () => {
  it('GELU matches 0.5·x·(1 + erf(x/√2)) in value and gradient, also at 0 and far out', async () => {
    const xs = [-20, -6, -3.1, -1, -0.3, -1e-7, 0, 1e-7, 0.2, 0.7, 1.5, 3, 6, 20];
    const run = () =>
      tf.tidy(() => {
        const x = tf.tensor1d([...xs, ...Array.from({ length: 200 }, (_, i) => (i - 100) / 17)]);
        const w = tf.randomNormal(x.shape, 0, 1, 'float32', 5);
        const f = (t: tf.Tensor) => gelu(t).mul(w).sum();
        return arrays([gelu(x), tf.grad(f)(x)]);
      });
    const [y, dx] = await expectNoLeak(run);
    const [y0, dx0] = plain('gelu', run);
    // absolute error: erf's own float32 evaluation differs by ~1e-7
    expect(Math.max(...y.map((v, i) => Math.abs(v - y0[i])))).to.be.below(2e-6);
    expect(Math.max(...dx.map((v, i) => Math.abs(v - dx0[i])))).to.be.below(2e-6);
    expect(y[xs.indexOf(0)]).to.equal(0);
    expect(y[0]).to.equal(0);
    expect(y[xs.length - 1]).to.be.closeTo(20, 1e-5);
  });

  it('LayerNorm with the analytic backward equals autograd through moments (x, gamma, beta)', async () => {
    const run = () =>
      tf.tidy(() => {
        const x = tf.randomNormal([3, 5, 8], 1, 2, 'float32', 1);
        const gamma = tf.randomNormal([8], 1, 0.3, 'float32', 2);
        const beta = tf.randomNormal([8], 0, 0.3, 'float32', 3);
        const w = tf.randomNormal([3, 5, 8], 0, 1, 'float32', 4);
        const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => layerNorm(a, g, b, 1e-6).mul(w).sum();
        return arrays([layerNorm(x, gamma, beta, 1e-6), ...tf.grads(f)([x, gamma, beta])]);
      });
    const fused = await expectNoLeak(run);
    const ref = plain('layerNorm', run);
    for (let i = 0; i < ref.length; i++) expect(maxRelError(fused[i], ref[i], 1e-3), `output ${i}`).to.be.below(1e-4);
  });
});
