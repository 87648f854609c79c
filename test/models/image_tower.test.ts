import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { BENCH_TEXT, TINY } from '../../lib/bench';
import { gatherTokens } from '../../lib/core';
import { VisionLanguageModel } from '../../lib/models';
import { expectNoLeak, maxRelError, normRelError } from '../helpers';

describe('models/image_tower', () => {
  for (const positions of ['learned', 'sincos'] as const) {
    it(`embeds only the visible patches, equal to embed-then-gather in value and gradient (${positions} positions)`, async () => {
      const model = new VisionLanguageModel({ ...TINY.model, imageSize: 16, width: 32, depth: 1, heads: 2, embedDim: 16, imagePositions: positions }, BENCH_TEXT, 3);
      try {
        const tower = model.image;
        const vars = model.store.list().filter((p) => p.trainable && p.name.startsWith(`${tower.name}.`) && /\.(patch|pos)\./.test(p.name)).map((p) => p.variable);
        const run = (visibleFirst: boolean) =>
          tf.tidy(() => {
            const images = tf.randomUniform([3, 16, 16, 3], 0, 1, 'float32', 1) as tf.Tensor4D;
            const keep = tf.tensor2d([[3, 0], [1, 2], [2, 3]], [3, 2], 'int32');
            const w = tf.randomNormal([3, 2, 32], 0, 1, 'float32', 2);
            const f = () => (visibleFirst ? tower.embedVisible(images, keep) : gatherTokens(tower.embed(images), keep)).mul(w).sum() as tf.Scalar;
            const { value, grads } = tf.variableGrads(f, vars);
            const x = visibleFirst ? tower.embedVisible(images, keep) : gatherTokens(tower.embed(images), keep);
            return { x: Array.from(x.dataSync()), shape: x.shape, value: value.dataSync()[0], grads: vars.map((v) => Array.from(grads[v.name].dataSync())) };
          });
        const visible = await expectNoLeak(() => run(true));
        const reference = run(false);
        expect(visible.shape).to.deep.equal([3, 2, 32]);
        expect(maxRelError(visible.x, reference.x, 1e-3)).to.be.below(1e-5);
        expect(visible.value).to.be.closeTo(reference.value, 1e-4);
        expect(visible.grads.length).to.be.greaterThan(0);
        // a weight gradient sums over 6 visible rows here and 48 (zeros included) there: another summation order
        visible.grads.forEach((g, i) => expect(normRelError(g, reference.grads[i]), vars[i].name).to.be.below(1e-5));
      } finally {
        model.dispose();
      }
    });
  }
});
