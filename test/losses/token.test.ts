import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { captionLoss, itmLoss, labelledHeadLoss, maskedTokenLoss } from '../../lib/losses';
import { expectNoLeak, maxRelError } from '../helpers';

const scalarOf = (t: tf.Tensor): number => t.dataSync()[0];
const randn = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 2, 'float32', seed);
const ints = (rows: number[][]) => tf.tensor2d(rows, undefined, 'int32');

describe('losses/maskedTokenLoss', () => {
  const labels = [[-100, 3, -100, 0], [5, -100, -100, 2]];

  it('ignores −100 positions: their logits change nothing and get no gradient', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const logits = randn([2, 4, 6], 1) as tf.Tensor3D;
        const ignored = tf.tensor3d(labels.flat().flatMap((l) => new Array<number>(6).fill(l === -100 ? 1 : 0)), [2, 4, 6]);
        const f = (x: tf.Tensor) => maskedTokenLoss({ logits: x as tf.Tensor3D, labels: ints(labels) });
        const { value, grad } = tf.valueAndGrad(f)(logits);
        const shaken = tf.add(logits, tf.mul(ignored, randn([2, 4, 6], 2)));
        expect(scalarOf(f(shaken))).to.be.closeTo(scalarOf(value), 1e-6);
        expect(tf.max(tf.abs(tf.mul(grad, ignored))).dataSync()[0]).to.equal(0);
        // Mean over the 4 labelled tokens, not over all 8: same as the loss on those tokens alone.
        const kept = tf.gather(tf.reshape(logits, [8, 6]), tf.tensor1d([1, 3, 4, 7], 'int32')).reshape([1, 4, 6]);
        const alone = maskedTokenLoss({ logits: kept as tf.Tensor3D, labels: ints([[3, 0, 5, 2]]) });
        expect(scalarOf(alone)).to.be.closeTo(scalarOf(value), 1e-5);
      }),
    );
  });

  it('has the softmax − one-hot gradient, divided by the labelled count', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const logits = randn([1, 3, 5], 3) as tf.Tensor3D;
        const grad = tf.grad((x: tf.Tensor) => maskedTokenLoss({ logits: x as tf.Tensor3D, labels: ints([[4, -100, 1]]) }))(logits);
        const onehot = tf.tensor3d([[[0, 0, 0, 0, 1], [0, 0, 0, 0, 0], [0, 1, 0, 0, 0]]]);
        const keep = tf.tensor3d([[[1], [0], [1]]]);
        const expected = tf.div(tf.mul(tf.sub(tf.softmax(logits), onehot), keep), 2);
        expect(maxRelError(grad.dataSync(), expected.dataSync(), 1e-3)).to.be.below(1e-4);
      }),
    );
  });

  it('works with V = 1 (tf.oneHot refuses depth < 2) and for a batch of one', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const f = (x: tf.Tensor) => maskedTokenLoss({ logits: x as tf.Tensor3D, labels: ints([[0, -100]]) });
        const { value, grad } = tf.valueAndGrad(f)(randn([1, 2, 1], 4));
        expect(scalarOf(value)).to.be.closeTo(0, 1e-6);
        expect(tf.max(tf.abs(grad)).dataSync()[0]).to.be.below(1e-6);
      }),
    );
  });

  it('throws clearly when nothing is labelled, a label is out of range, or labels are not int32', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const logits = randn([1, 2, 4], 5) as tf.Tensor3D;
        expect(() => maskedTokenLoss({ logits, labels: ints([[-100, -100]]) })).to.throw(/maskedTokenLoss: labels labels nothing/);
        expect(() => maskedTokenLoss({ logits, labels: ints([[1, 4]]) })).to.throw(/label 4 at flat position 1, outside \[0, 4\)/);
        expect(() => maskedTokenLoss({ logits, labels: tf.tensor2d([[1, 2]]) })).to.throw(/labels must be int32, got float32/);
        expect(() => maskedTokenLoss({ logits, labels: ints([[1, 2, 3]]) })).to.throw(
          /labels has shape \[1,3\] but logits has shape \[1,2,4\]; T must agree/,
        );
      }),
    );
  });
});


describe('losses/labelledHeadLoss', () => {
  it('equals maskedTokenLoss over the head on every position, in value and in the gradients of hidden and head', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const labels = ints([[-100, 3, -100, 0, 7], [5, -100, -100, 2, -100]]);
        const hidden = randn([2, 5, 4], 4) as tf.Tensor3D;
        const w = tf.variable(randn([4, 8], 5));
        const head = (h: tf.Tensor3D) => tf.tanh(tf.matMul(h.reshape([-1, 4]), w)).reshape([h.shape[0], h.shape[1], 8]) as tf.Tensor3D;
        const full = (x: tf.Tensor) => maskedTokenLoss({ logits: head(x as tf.Tensor3D), labels });
        const rows = (x: tf.Tensor) => labelledHeadLoss({ hidden: x as tf.Tensor3D, labels, head });
        const a = tf.valueAndGrad(full)(hidden);
        const b = tf.valueAndGrad(rows)(hidden);
        expect(scalarOf(b.value)).to.be.closeTo(scalarOf(a.value), 1e-6);
        expect(maxRelError(b.grad.dataSync(), a.grad.dataSync())).to.be.below(1e-5);
        const gw = (f: (x: tf.Tensor) => tf.Scalar) => tf.variableGrads(() => f(hidden), [w]).grads[w.name];
        expect(maxRelError(gw(rows).dataSync(), gw(full).dataSync())).to.be.below(1e-5);
        w.dispose();
      }),
    );
  });

  it('throws when nothing is labelled or a label is past the head\'s classes', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const hidden = tf.zeros([1, 3, 2]) as tf.Tensor3D;
        const head = (h: tf.Tensor3D) => tf.concat([h, h], 2) as tf.Tensor3D; // V = 4
        expect(() => labelledHeadLoss({ hidden, labels: ints([[-100, -100, -100]]), head })).to.throw(/labelledHeadLoss: labels labels nothing/);
        expect(() => labelledHeadLoss({ hidden, labels: ints([[-100, 4, -100]]), head })).to.throw(/label 4 .*outside \[0, 4\)/);
      }),
    );
  });
});

describe('losses/itmLoss', () => {
  it('is the mean two-way CE: equal to the token loss over the same rows, B = 1 included', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const logits = randn([5, 2], 6) as tf.Tensor2D;
        const labels = [1, 0, 0, 1, 0];
        const itm = itmLoss({ logits, labels: tf.tensor1d(labels, 'int32') });
        const token = maskedTokenLoss({ logits: logits.reshape([1, 5, 2]) as tf.Tensor3D, labels: ints([labels]) });
        expect(scalarOf(itm)).to.be.closeTo(scalarOf(token), 1e-6);
        // Confident and right → small loss; confident and wrong → large.
        const sure = tf.tensor2d([[-10, 10]]);
        expect(scalarOf(itmLoss({ logits: sure, labels: tf.tensor1d([1], 'int32') }))).to.be.below(1e-6);
        expect(scalarOf(itmLoss({ logits: sure, labels: tf.tensor1d([0], 'int32') }))).to.be.closeTo(20, 1e-4);
        expect(() => itmLoss({ logits: randn([3, 3], 7) as tf.Tensor2D, labels: tf.tensor1d([0, 1, 0], 'int32') })).to.throw(
          /itmLoss: logits must be \[N,2\], got shape \[3,3\]/,
        );
      }),
    );
  });
});

describe('losses/captionLoss', () => {
  it('is next-token CE with padding ignored: equal to the token loss on shifted labels', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const PAD = 0;
        const tokens = [[1, 7, 4, 2, 0, 0], [1, 5, 2, 0, 0, 0]];
        const logits = randn([2, 6, 9], 8) as tf.Tensor3D;
        const f = (x: tf.Tensor) => captionLoss({ logits: x as tf.Tensor3D, tokens: ints(tokens), padId: PAD });
        const { value, grad } = tf.valueAndGrad(f)(logits);
        const shifted = tokens.map((r) => r.slice(1).map((t) => (t === PAD ? -100 : t)));
        const head = tf.slice(logits, [0, 0, 0], [2, 5, 9]) as tf.Tensor3D;
        expect(scalarOf(value)).to.be.closeTo(scalarOf(maskedTokenLoss({ logits: head, labels: ints(shifted) })), 1e-5);
        // Positions predicting padding, and the last position, get no gradient.
        const live = [[1, 1, 1, 0, 0, 0], [1, 1, 0, 0, 0, 0]];
        const deadGrad = tf.mul(grad, tf.sub(1, tf.tensor2d(live)).expandDims(-1));
        expect(tf.max(tf.abs(deadGrad)).dataSync()[0]).to.equal(0);
      }),
    );
  });

  it('works for a batch of one and throws when no target is left', async () => {
    await expectNoLeak(() =>
      tf.tidy(() => {
        const logits = randn([1, 3, 4], 9) as tf.Tensor3D;
        expect(scalarOf(captionLoss({ logits, tokens: ints([[1, 2, 3]]), padId: 0 }))).to.be.above(0);
        expect(() => captionLoss({ logits, tokens: ints([[1, 0, 0]]), padId: 0 })).to.throw(/captionLoss: tokens\[:, 1:\] labels nothing/);
        const one = randn([1, 1, 4], 10) as tf.Tensor3D;
        expect(() => captionLoss({ logits: one, tokens: ints([[1]]), padId: 0 })).to.throw(/T=1; next-token prediction needs T ≥ 2/);
      }),
    );
  });
});
