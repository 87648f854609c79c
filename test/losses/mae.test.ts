import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { maeLoss } from '../../lib/losses';
import { expectNoLeak } from '../helpers';

const scalarOf = (t: tf.Tensor): number => t.dataSync()[0];
const randn = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

describe('losses/maeLoss', () => {
  it('is 0 when pred equals target on the masked patches, whatever the visible ones hold', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const target = randn([2, 6, 12], 1) as tf.Tensor3D;
        const mask = tf.tensor2d([[1, 0, 1, 1, 0, 0], [0, 1, 1, 0, 0, 1]]);
        const visible = tf.sub(1, mask).expandDims(-1);
        const garbage = tf.mul(randn([2, 6, 12], 2), 100);
        const pred = tf.add(target, tf.mul(visible, garbage)) as tf.Tensor3D; // wrong only where visible
        const f = (p: tf.Tensor) => maeLoss({ pred: p as tf.Tensor3D, target, mask });
        const { value, grad } = tf.valueAndGrad(f)(pred);
        expect(scalarOf(value)).to.equal(0);
        expect(tf.max(tf.abs(grad)).dataSync()[0]).to.equal(0);
        // One masked value off by 1: loss = 1 / (P · #masked) = 1 / (12 · 6).
        const off = tf.add(pred, tf.scatterND([[0, 0, 3]], [1], [2, 6, 12])) as tf.Tensor3D;
        expect(scalarOf(maeLoss({ pred: off, target, mask }))).to.be.closeTo(1 / 72, 1e-6);
      }),
    );
  });

  it('with normPix is invariant to a per-patch affine change of the target, and never moves it', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const target = randn([1, 4, 16], 3) as tf.Tensor3D;
        const pred = randn([1, 4, 16], 4) as tf.Tensor3D;
        const mask = tf.tensor2d([[1, 1, 0, 1]]);
        const scaled = tf.add(tf.mul(target, tf.tensor3d([3, 0.5, 7, 2], [1, 4, 1])), 5) as tf.Tensor3D;
        const a = scalarOf(maeLoss({ pred, target, mask, normPix: true }));
        const b = scalarOf(maeLoss({ pred, target: scaled, mask, normPix: true }));
        expect(b).to.be.closeTo(a, 1e-4 * a);
        expect(scalarOf(maeLoss({ pred, target, mask }))).to.not.be.closeTo(a, 1e-3);
        // The target is data: no gradient flows into it.
        const g = tf.grad((t: tf.Tensor) => maeLoss({ pred, target: t as tf.Tensor3D, mask, normPix: true }))(target);
        expect(tf.max(tf.abs(g)).dataSync()[0]).to.equal(0);
      }),
    );
  });

  it('works for a batch of one and throws when nothing is masked or shapes disagree', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const x = randn([1, 3, 4], 5) as tf.Tensor3D;
        expect(scalarOf(maeLoss({ pred: x, target: tf.zerosLike(x), mask: tf.ones([1, 3]) }))).to.be.above(0);
        expect(() => maeLoss({ pred: x, target: x, mask: tf.zeros([1, 3]) })).to.throw(/maeLoss: mask \[1,3\] has no masked patch/);
        expect(() => maeLoss({ pred: x, target: randn([1, 3, 5], 6) as tf.Tensor3D, mask: tf.ones([1, 3]) })).to.throw(
          /maeLoss: target has shape \[1,3,5\] but pred has shape \[1,3,4\]; P must agree/,
        );
        expect(() => maeLoss({ pred: x, target: x, mask: tf.ones([1, 4]) })).to.throw(/mask has shape \[1,4\] but pred has shape \[1,3,4\]/);
      }),
    );
  });
});
