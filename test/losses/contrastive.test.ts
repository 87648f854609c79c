import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { clipLoss, siglipLoss } from '../../lib/losses';
import { expectNoLeak, maxRelError } from '../helpers';

/** [B, D] rows of a seeded normal, L2-normalised. */
function unitRows(B: number, D: number, seed: number): tf.Tensor2D {
  return tf.tidy(() => {
    const x = tf.randomNormal([B, D], 0, 1, 'float32', seed);
    return tf.div(x, tf.norm(x, 2, 1, true)) as tf.Tensor2D;
  });
}

const scalarOf = (t: tf.Tensor): number => t.dataSync()[0];

describe('losses/clipLoss', () => {
  it('is invariant to permuting the pairs together, and its gradients permute along', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const I = unitRows(6, 8, 1);
        const T = unitRows(6, 8, 2);
        const perm = tf.tensor1d([3, 0, 5, 1, 4, 2], 'int32');
        const f = (i: tf.Tensor, t: tf.Tensor) => clipLoss({ imageEmb: i as tf.Tensor2D, textEmb: t as tf.Tensor2D, logitScale: 14.3 });
        const a = tf.valueAndGrads(f)([I, T]);
        const b = tf.valueAndGrads(f)([tf.gather(I, perm), tf.gather(T, perm)]);
        expect(Math.abs(scalarOf(a.value) - scalarOf(b.value))).to.be.below(1e-5);
        expect(maxRelError(tf.gather(a.grads[0], perm).dataSync(), b.grads[0].dataSync(), 1e-3)).to.be.below(1e-4);
        // Permuting only one side breaks the pairing, so the loss must change.
        const broken = f(tf.gather(I, perm), T);
        expect(scalarOf(broken)).to.be.above(scalarOf(a.value) + 0.1);
      }),
    );
  });

  it('drops masked rows from both directions but keeps them as columns', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const I = unitRows(5, 4, 3);
        const T = unitRows(5, 4, 4);
        const run = (rowMask?: number[] | tf.Tensor1D) => clipLoss({ imageEmb: I, textEmb: T, logitScale: 10, rowMask });
        expect(scalarOf(run([1, 1, 1, 1, 1]))).to.be.closeTo(scalarOf(run()), 1e-6);
        expect(scalarOf(run(tf.tensor1d([1, 0, 1, 1, 0])))).to.be.closeTo(scalarOf(run([1, 0, 1, 1, 0])), 1e-6);
        // Row 4 dropped: image 4 is still a candidate for the kept texts, so its gradient is not zero.
        const gradOf = (rowMask: number[]) =>
          tf.grad((i: tf.Tensor) => clipLoss({ imageEmb: i as tf.Tensor2D, textEmb: T, logitScale: 2, rowMask }))(I);
        const row4 = (g: tf.Tensor) => tf.norm(tf.slice(g, [4, 0], [1, 4])).dataSync()[0];
        expect(row4(gradOf([1, 1, 1, 1, 0]))).to.be.above(1e-3);
        // Keeping only row 0: equals the mean of its two CEs, written out here for B = 5.
        const L = tf.mul(tf.matMul(I, T, false, true), 10);
        const row = tf.sub(tf.logSumExp(tf.slice(L, [0, 0], [1, 5])), L.bufferSync().get(0, 0));
        const col = tf.sub(tf.logSumExp(tf.slice(L, [0, 0], [5, 1])), L.bufferSync().get(0, 0));
        expect(scalarOf(run([1, 0, 0, 0, 0]))).to.be.closeTo((scalarOf(row) + scalarOf(col)) / 2, 1e-5);
      }),
    );
  });

  it('takes the scale as a number or a tf.Scalar, with the same value', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const I = unitRows(4, 3, 5);
        const T = unitRows(4, 3, 6);
        const n = clipLoss({ imageEmb: I, textEmb: T, logitScale: 20 });
        const s = clipLoss({ imageEmb: I, textEmb: T, logitScale: tf.scalar(20) });
        expect(scalarOf(n)).to.equal(scalarOf(s));
        expect(n.rank).to.equal(0);
      }),
    );
  });

  it('is 0 for a batch of one, with zero gradients', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const f = (i: tf.Tensor) => clipLoss({ imageEmb: i as tf.Tensor2D, textEmb: unitRows(1, 4, 8), logitScale: 100 });
        const { value, grad } = tf.valueAndGrad(f)(unitRows(1, 4, 7));
        expect(scalarOf(value)).to.equal(0);
        expect(tf.max(tf.abs(grad)).dataSync()[0]).to.equal(0);
      }),
    );
  });

  it('names the arguments and both shapes on a mismatch, and rejects a mask that keeps nothing', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const I = unitRows(3, 4, 1);
        expect(() => clipLoss({ imageEmb: I, textEmb: unitRows(3, 5, 2), logitScale: 1 })).to.throw(
          /clipLoss: textEmb has shape \[3,5\] but imageEmb has shape \[3,4\]/,
        );
        expect(() => clipLoss({ imageEmb: I, textEmb: I, logitScale: 1, rowMask: [1, 1] })).to.throw(/rowMask.*\[2\].*B=3/);
        expect(() => clipLoss({ imageEmb: I, textEmb: I, logitScale: 1, rowMask: [0, 0, 0] })).to.throw(/keeps no row/);
        expect(() => clipLoss({ imageEmb: I, textEmb: I, logitScale: tf.ones([1]) as tf.Scalar })).to.throw(/logitScale.*\[1\]/);
      }),
    );
  });
});

describe('losses/siglipLoss', () => {
  it('separates matched pairs as t grows (loss → 0) when the bias sits between the similarities', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        // Text i = image i plus small noise: matched cosines are the largest of every row and column.
        const I = unitRows(6, 16, 11);
        const noisy = tf.add(I, tf.mul(tf.randomNormal([6, 16], 0, 1, 'float32', 12), 0.05));
        const T = tf.div(noisy, tf.norm(noisy, 2, 1, true)) as tf.Tensor2D;
        const cos = tf.matMul(I, T, false, true).arraySync() as number[][];
        const diagMin = Math.min(...cos.map((r, i) => r[i]));
        const offMax = Math.max(...cos.flatMap((r, i) => r.filter((_, j) => j !== i)));
        expect(diagMin).to.be.above(offMax);
        const mid = (diagMin + offMax) / 2;
        const losses = [1, 10, 100, 1000].map((t) => scalarOf(siglipLoss({ imageEmb: I, textEmb: T, logitScale: t, logitBias: -t * mid })));
        for (let k = 1; k < losses.length; k++) expect(losses[k]).to.be.below(losses[k - 1]);
        expect(losses[3]).to.be.below(1e-6);
        expect(losses.every(Number.isFinite)).to.equal(true);
      }),
    );
  });

  it('divides by B, not B²: a batch of one equals softplus(−(t·c + b))', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const I = unitRows(1, 4, 1);
        const T = unitRows(1, 4, 2);
        const c = scalarOf(tf.sum(tf.mul(I, T)));
        const expected = Math.log1p(Math.exp(-(10 * c - 10)));
        expect(scalarOf(siglipLoss({ imageEmb: I, textEmb: T, logitScale: 10, logitBias: -10 }))).to.be.closeTo(expected, 1e-5);
      }),
    );
  });

  it('backpropagates to the scale and bias given as tf.Scalars, finite at extreme logits', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const I = unitRows(4, 8, 3);
        const T = unitRows(4, 8, 4);
        const f = (t: tf.Tensor, b: tf.Tensor) => siglipLoss({ imageEmb: I, textEmb: T, logitScale: t as tf.Scalar, logitBias: b as tf.Scalar });
        const [gt, gb] = tf.grads(f)([tf.scalar(1e4), tf.scalar(-1e4)]);
        expect([scalarOf(gt), scalarOf(gb)].every(Number.isFinite)).to.equal(true);
        expect(() => siglipLoss({ imageEmb: I, textEmb: unitRows(5, 8, 1), logitScale: 1, logitBias: 0 })).to.throw(
          /siglipLoss: textEmb has shape \[5,8\] but imageEmb has shape \[4,8\]/,
        );
      }),
    );
  });
});
