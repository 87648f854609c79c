import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import {
  ClsToken,
  EVAL,
  LayerNorm,
  LearnedPositions,
  MultiHeadAttention,
  ParamStore,
  TokenEmbedding,
  TransformerBlock,
  TransformerEncoder,
  sincos2d,
} from '../../lib/core';
import { Rng } from '../../lib/random';
import { expectNoLeak } from '../helpers';

const B = 2;
const T = 5;
const D = 8;

/** Read one number from a tensor made by `fn`, disposing everything it made. */
function readScalar(fn: () => tf.Tensor): number {
  const t = tf.tidy(fn);
  const v = t.dataSync()[0];
  t.dispose();
  return v;
}

function randomInput(shape: number[], seed: number): tf.Tensor {
  return tf.randomNormal(shape, 0, 1, 'float32', seed);
}

describe('core: transformer', () => {
  let store: ParamStore;
  beforeEach(() => {
    store = new ParamStore(new Rng(7));
  });
  afterEach(() => store.dispose());

  it('creates stable hierarchical parameter names', () => {
    new TransformerEncoder(store, 'image', { dim: D, heads: 2, depth: 2 });
    const names = store.list().map((p) => p.name);
    expect(names).to.include.members([
      'image.blocks.0.attn.qkv.w',
      'image.blocks.0.attn.qkv.b',
      'image.blocks.1.mlp.fc1.w',
      'image.blocks.1.ln2.gamma',
      'image.norm.beta',
    ]);
    expect(store.list().find((p) => p.name === 'image.blocks.0.attn.qkv.w')!.decay).to.equal(true);
    expect(store.list().find((p) => p.name === 'image.norm.gamma')!.decay).to.equal(false);
  });

  it('the same seed gives the same initial weights', () => {
    const other = new ParamStore(new Rng(7));
    new TransformerBlock(store, 'b', { dim: D, heads: 2 });
    new TransformerBlock(other, 'b', { dim: D, heads: 2 });
    const a = store.variable('b.attn.qkv.w').dataSync();
    const b = other.variable('b.attn.qkv.w').dataSync();
    expect(Array.from(a)).to.deep.equal(Array.from(b));
    other.dispose();
  });

  it('encoder returns [B,T,D] and every layer on request, without leaks', async () => {
    const enc = new TransformerEncoder(store, 'enc', { dim: D, heads: 2, depth: 3 });
    await expectNoLeak(() =>
      tf.tidy(() => {
        const out = enc.apply(randomInput([B, T, D], 1) as tf.Tensor3D, {}, EVAL, true);
        expect(out.last.shape).to.deep.equal([B, T, D]);
        expect(out.hidden).to.have.length(3);
        for (const h of out.hidden!) expect(h.shape).to.deep.equal([B, T, D]);
      }),
    );
  });

  it('cross-attention reads keys/values from another sequence of another width', async () => {
    const block = new TransformerBlock(store, 'x', { dim: D, heads: 2, cross: true, contextDim: 12 });
    await expectNoLeak(() =>
      tf.tidy(() => {
        const x = randomInput([B, T, D], 1) as tf.Tensor3D;
        const c1 = randomInput([B, 7, 12], 2) as tf.Tensor3D;
        const c2 = randomInput([B, 7, 12], 3) as tf.Tensor3D;
        const y1 = block.apply(x, { context: c1 }, EVAL);
        const y2 = block.apply(x, { context: c2 }, EVAL);
        expect(y1.shape).to.deep.equal([B, T, D]);
        // the output depends on the context
        expect(tf.max(tf.abs(y1.sub(y2))).dataSync()[0]).to.be.above(1e-4);
        expect(() => block.apply(x, {}, EVAL)).to.throw(/context/);
      }),
    );
  });

  it('causal mask: no information flows from the future', async () => {
    const attn = new MultiHeadAttention(store, 'a', { dim: D, heads: 2 });
    await expectNoLeak(() =>
      tf.tidy(() => {
        const x = randomInput([B, T, D], 1) as tf.Tensor3D;
        // change only the last two positions
        const changed = tf.concat([x.slice([0, 0, 0], [B, T - 2, D]), randomInput([B, 2, D], 9)], 1) as tf.Tensor3D;
        const y1 = attn.apply(x, { causal: true }, EVAL);
        const y2 = attn.apply(changed, { causal: true }, EVAL);
        const past = tf.abs(y1.sub(y2)).slice([0, 0, 0], [B, T - 2, D]);
        expect(tf.max(past).dataSync()[0]).to.be.below(1e-6);
        const future = tf.abs(y1.sub(y2)).slice([0, T - 2, 0], [B, 2, D]);
        expect(tf.max(future).dataSync()[0]).to.be.above(1e-4);
        // without the causal mask the past does see the change
        const n1 = attn.apply(x, {}, EVAL);
        const n2 = attn.apply(changed, {}, EVAL);
        expect(tf.max(tf.abs(n1.sub(n2)).slice([0, 0, 0], [B, 1, D])).dataSync()[0]).to.be.above(1e-4);
      }),
    );
  });

  it('key mask: padded keys have no influence', async () => {
    const attn = new MultiHeadAttention(store, 'a', { dim: D, heads: 2 });
    await expectNoLeak(() =>
      tf.tidy(() => {
        const x = randomInput([B, T, D], 1) as tf.Tensor3D;
        const keyMask = tf.tensor2d([[1, 1, 1, 0, 0], [1, 1, 1, 1, 0]]);
        const noise = randomInput([B, T, D], 4).mul(tf.sub(1, keyMask).expandDims(2));
        const y1 = attn.apply(x, { keyMask }, EVAL);
        const y2 = attn.apply(x.add(noise) as tf.Tensor3D, { keyMask }, EVAL);
        // rows of real tokens (whose own input did not change) are unaffected by padded keys
        const realRow = tf.abs(y1.sub(y2)).slice([0, 0, 0], [B, 3, D]);
        expect(tf.max(realRow).dataSync()[0]).to.be.below(1e-5);
      }),
    );
  });

  it('block gradient matches central finite differences', async () => {
    const block = new TransformerBlock(store, 'g', { dim: D, heads: 2 });
    const x = randomInput([1, 3, D], 5) as tf.Tensor3D;
    const probe = randomInput([1, 3, D], 6);
    const f = (input: tf.Tensor) => block.apply(input as tf.Tensor3D, {}, EVAL).mul(probe).sum() as tf.Scalar;
    await expectNoLeak(() => {
      const grad = tf.tidy(() => tf.grad(f)(x));
      const g = grad.dataSync();
      const xs = x.dataSync();
      const eps = 1e-2;
      // float32 central differences: truncation O(eps²) and rounding O(1e-7/eps) both well below 2e-3.
      for (const i of [0, 3, 7, 10, 17, 23]) {
        const bumped = (delta: number) =>
          tf.tidy(() => {
            const v = Float32Array.from(xs);
            v[i] += delta;
            return f(tf.tensor3d(v, x.shape)).dataSync()[0];
          });
        const numeric = (bumped(eps) - bumped(-eps)) / (2 * eps);
        expect(Math.abs(numeric - g[i]), `d/dx[${i}]: numeric ${numeric} vs autograd ${g[i]}`).to.be.below(2e-3 + 2e-3 * Math.abs(g[i]));
      }
      grad.dispose();
    });
    tf.dispose([x, probe]);
  });

  it('forward + backward through an encoder leaves numTensors unchanged and reaches every weight', async () => {
    const enc = new TransformerEncoder(store, 'e', { dim: D, heads: 2, depth: 2, dropout: 0.1 });
    const rng = new Rng(3);
    await expectNoLeak(() => {
      const { value, grads } = tf.variableGrads(() =>
        tf.tidy(() => enc.apply(randomInput([B, T, D], 1) as tf.Tensor3D, { causal: true }, { training: true, rng }).last.square().mean() as tf.Scalar),
      );
      expect(Object.keys(grads)).to.have.length(store.trainable().length);
      for (const g of Object.values(grads)) expect(Number.isFinite(readScalar(() => g.sum()))).to.equal(true);
      tf.dispose([value, ...Object.values(grads)]);
    });
  });

  it('embeddings: tokens, positions, CLS; token gradient sums duplicates', async () => {
    const tok = new TokenEmbedding(store, 't', 11, D);
    const pos = new LearnedPositions(store, 'p', 6, D);
    const cls = new ClsToken(store, 'c', D);
    const ln = new LayerNorm(store, 'ln', D);
    await expectNoLeak(() => {
      const ids = tf.tensor2d([[1, 2, 2, 0], [3, 2, 1, 0]], [2, 4], 'int32');
      const { grads, value } = tf.variableGrads(() =>
        tf.tidy(() => {
          const x = cls.prepend(pos.apply(tok.apply(ids)));
          expect(x.shape).to.deep.equal([2, 5, D]);
          return ln.apply(x).sum() as tf.Scalar;
        }),
      );
      const tableGrad = grads[tok.table.name];
      expect(tableGrad.shape).to.deep.equal([11, D]);
      // ids never used get no gradient
      expect(readScalar(() => tf.abs(tableGrad.slice([4, 0], [7, D])).sum())).to.equal(0);
      tf.dispose([ids, value, ...Object.values(grads)]);
    });
  });

  it('sincos2d matches MAE: first half encodes the column, second half the row', () => {
    const table = sincos2d(2, 3, 8);
    // patch (row 1, col 2): index 5
    const row = Array.from(table.subarray(5 * 8, 6 * 8));
    const expected = [Math.sin(2), Math.sin(2 / 100), Math.cos(2), Math.cos(2 / 100), Math.sin(1), Math.sin(1 / 100), Math.cos(1), Math.cos(1 / 100)];
    for (let k = 0; k < 8; k++) expect(row[k]).to.be.closeTo(expected[k], 1e-6);
  });
});
