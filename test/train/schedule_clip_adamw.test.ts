import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { ParamStore } from '../../lib/core/params';
import { Rng } from '../../lib/random';
import { AdamW } from '../../lib/train/adamw';
import { clipByGlobalNorm } from '../../lib/train/clip_grad';
import { lrAt } from '../../lib/train/schedule';
import { expectNoLeak } from '../helpers';

describe('train/schedule lrAt', () => {
  const o = { lr: 1, warmupSteps: 10, decaySteps: 110, minLrRatio: 0.1 };
  it('warms up linearly, never starting at 0', () => {
    expect(lrAt(0, o)).to.be.closeTo(0.1, 1e-12);
    expect(lrAt(4, o)).to.be.closeTo(0.5, 1e-12);
    expect(lrAt(9, o)).to.be.closeTo(1, 1e-12);
  });
  it('decays by a cosine to the floor and stays there', () => {
    expect(lrAt(10, o)).to.be.closeTo(1, 1e-12);
    // halfway through the cosine: floor + half the range
    expect(lrAt(60, o)).to.be.closeTo(0.1 + 0.5 * 0.9, 1e-12);
    expect(lrAt(35, o)).to.be.closeTo(0.1 + 0.5 * (1 + Math.cos(Math.PI / 4)) * 0.9, 1e-12);
    expect(lrAt(110, o)).to.be.closeTo(0.1, 1e-12);
    expect(lrAt(500, o)).to.be.closeTo(0.1, 1e-12);
    for (let s = 11; s <= 110; s++) expect(lrAt(s, o)).to.be.at.most(lrAt(s - 1, o));
  });
  it('handles no warmup and a constant floor', () => {
    expect(lrAt(0, { ...o, warmupSteps: 0 })).to.equal(1);
    expect(lrAt(70, { ...o, minLrRatio: 1 })).to.equal(1);
    expect(() => lrAt(-1, o)).to.throw(/step/);
  });
});

describe('train/clip_grad clipByGlobalNorm', () => {
  it('scales every gradient so the global norm is the target', async () => {
    await expectNoLeak(() => {
      const a = tf.tensor1d([3, 4]);
      const b = tf.tensor2d([[12]]);
      const { grads, norm } = clipByGlobalNorm({ a, b }, 1);
      expect(norm.dataSync()[0]).to.be.closeTo(13, 1e-5);
      const ga = grads.a.dataSync();
      const gb = grads.b.dataSync();
      expect(Math.hypot(ga[0], ga[1], gb[0])).to.be.closeTo(1, 1e-5);
      expect(ga[0] / ga[1]).to.be.closeTo(3 / 4, 1e-6);
      expect(gb[0]).to.be.closeTo(12 / 13, 1e-5);
      const loose = clipByGlobalNorm({ a, b }, 100);
      expect(Array.from(loose.grads.a.dataSync())).to.deep.equal([3, 4]);
      tf.dispose([a, b, norm, ...Object.values(grads), loose.norm, ...Object.values(loose.grads)]);
    });
  });
});

describe('train/adamw', () => {
  // Hand computation (lr 0.1, betas 0.9/0.999, eps 1e-8, wd 0.1, p0 = 1, grads 0.5 then -0.25):
  // t=1: m=0.05, v=0.00025, m̂=0.5, v̂=0.25, step=0.5/0.5=1 -> p = 1·(1-0.01) - 0.1 = 0.89 (0.9 without decay)
  // t=2: m=0.045-0.025=0.02, v=0.00024975+0.0000625=0.00031225, m̂=0.02/0.19, v̂=0.00031225/0.001999,
  //      step=0.10526316/0.39522538=0.26633701 -> p = 0.89·0.99 - 0.0266337 = 0.8544663 (0.9·1 - ... = 0.8733663)
  it('matches a hand-computed 2-step update, with decay only where the store says', async () => {
    const store = new ParamStore(new Rng(0));
    store.get('w', [1, 1], { kind: 'ones' }); // rank 2: decay
    store.get('b', [1], { kind: 'ones' }); // rank 1: no decay
    store.get('emb', [1, 1], { kind: 'ones' }, { decay: false }); // flagged off by its owner
    await expectNoLeak(() => {
      const opt = new AdamW(store, { betas: [0.9, 0.999], eps: 1e-8, weightDecay: 0.1 });
      for (const g of [0.5, -0.25]) {
        const grads = new Map<string, tf.Tensor>([
          ['w', tf.tensor2d([[g]])],
          ['b', tf.tensor1d([g])],
          ['emb', tf.tensor2d([[g]])],
        ]);
        opt.apply(grads, 0.1);
        tf.dispose([...grads.values()]);
      }
      expect(store.variable('w').dataSync()[0]).to.be.closeTo(0.8544663, 1e-6);
      expect(store.variable('b').dataSync()[0]).to.be.closeTo(0.8733663, 1e-6);
      expect(store.variable('emb').dataSync()[0]).to.be.closeTo(0.8733663, 1e-6);
      const state = opt.stateTensors();
      expect([...state.keys()]).to.deep.equal(['b.m', 'b.v', 'emb.m', 'emb.v', 'w.m', 'w.v']);
      expect(state.get('w.m')!.dataSync()[0]).to.be.closeTo(0.02, 1e-7);
      expect(state.get('w.v')!.dataSync()[0]).to.be.closeTo(0.00031225, 1e-9);
      expect(opt.step).to.equal(2);
      opt.dispose();
    });
    store.dispose();
  });

  it('restores state so the next update is identical', async () => {
    const mk = () => {
      const s = new ParamStore(new Rng(0));
      s.get('w', [2, 2], { kind: 'xavierUniform' });
      return s;
    };
    const a = mk();
    const b = mk();
    await expectNoLeak(() => {
      const g = tf.tensor2d([[0.1, -0.2], [0.3, 0.4]]);
      const grads = new Map([['w', g as tf.Tensor]]);
      const optA = new AdamW(a);
      optA.apply(grads, 0.01);
      const optB = new AdamW(b);
      b.assign(new Map([['w', a.variable('w')]]));
      optB.loadState(optA.stateTensors(), optA.step);
      optA.apply(grads, 0.01);
      optB.apply(grads, 0.01);
      expect(Array.from(b.variable('w').dataSync())).to.deep.equal(Array.from(a.variable('w').dataSync()));
      tf.dispose(g);
      optA.dispose();
      optB.dispose();
    });
    a.dispose();
    b.dispose();
  });

  it('names the param when a gradient has the wrong shape', async () => {
    await expectNoLeak(() => {
      const store = new ParamStore(new Rng(0));
      store.get('w', [2, 2], { kind: 'zeros' });
      const opt = new AdamW(store);
      const g = tf.zeros([3]);
      expect(() => opt.apply(new Map([['w', g]]), 0.1)).to.throw(/w.*\[3\].*\[2,2\]/);
      g.dispose();
      opt.dispose();
      store.dispose();
    });
  });
});
