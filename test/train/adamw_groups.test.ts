import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { ParamStore } from '../../lib/core/params';
import { Rng } from '../../lib/random';
import { trainOptionsSchema } from '../../lib/train';
import { AdamW } from '../../lib/train/adamw';
import { MVLM_KERNELS } from '../../lib/backend';
import { expectNoLeak } from '../helpers';

/** A store with a decayed matrix, a bias, and the two logit scalars in their param groups. */
function makeStore(): ParamStore {
  const store = new ParamStore(new Rng(0));
  store.get('w', [3, 2], { kind: 'truncatedNormal', std: 1 });
  store.get('b', [2], { kind: 'constant', value: 0.5 });
  store.get('logit.logScale', [], { kind: 'constant', value: Math.log(10) }, { decay: false, lrGroup: 'logitScale' });
  store.get('logit.bias', [], { kind: 'constant', value: -3 }, { decay: false, lrGroup: 'logitBias' });
  return store;
}

/** Per-param change after three AdamW updates at lr 0.01 with the same gradients. */
function deltas(opts: ConstructorParameters<typeof AdamW>[1]): Record<string, number[]> {
  const store = makeStore();
  const before = Object.fromEntries(store.list().map((p) => [p.name, Array.from(p.variable.dataSync())]));
  const opt = new AdamW(store, { weightDecay: 0.1, ...opts });
  for (let s = 0; s < 3; s++) {
    const grads = new Map<string, tf.Tensor>(store.list().map((p) => [p.name, tf.randomNormal(p.variable.shape, 0, 1, 'float32', 10 * s + p.name.length)]));
    opt.apply(grads, 0.01);
    tf.dispose([...grads.values()]);
  }
  const out = Object.fromEntries(store.list().map((p) => [p.name, Array.from(p.variable.dataSync()).map((v, i) => v - before[p.name][i])]));
  opt.dispose();
  store.dispose();
  return out;
}

describe('train/AdamW param groups (lrMultipliers)', () => {
  for (const fused of [true, false]) {
    it(`scales exactly the grouped params' updates by their multiplier, and nothing else (${fused ? 'wasm kernel' : 'tensor ops'})`, async () => {
      const saved = MVLM_KERNELS.adamW;
      MVLM_KERNELS.adamW = fused;
      try {
        const plain = await expectNoLeak(() => deltas({}));
        const grouped = await expectNoLeak(() => deltas({ lrMultipliers: { logitScale: 10, logitBias: 4 } }));
        // the logit scalars have no decay, so Adam's step is linear in lr
        expect(grouped['logit.logScale'][0]).to.be.closeTo(10 * plain['logit.logScale'][0], 1e-6);
        expect(grouped['logit.bias'][0]).to.be.closeTo(4 * plain['logit.bias'][0], 1e-6);
        expect(Math.abs(plain['logit.bias'][0])).to.be.above(1e-3); // a real step was taken
        expect(grouped.w).to.deep.equal(plain.w);
        expect(grouped.b).to.deep.equal(plain.b);
      } finally {
        MVLM_KERNELS.adamW = saved;
      }
    });
  }

  it('refuses a non-positive multiplier, naming the group', () => {
    const store = makeStore();
    expect(() => new AdamW(store, { lrMultipliers: { logitBias: 0 } })).to.throw(/lrMultipliers\.logitBias must be a positive/);
    store.dispose();
  });

  it('the train config takes lrMultipliers for the known groups and rejects unknown keys', () => {
    expect(trainOptionsSchema.parse({ steps: 1, lrMultipliers: { logitScale: 10, logitBias: 10 } }).lrMultipliers).to.deep.equal({ logitScale: 10, logitBias: 10 });
    expect(trainOptionsSchema.parse({ steps: 1 }).lrMultipliers).to.deep.equal({});
    expect(trainOptionsSchema.safeParse({ steps: 1, lrMultipliers: { logitBais: 10 } }).success).to.equal(false);
    expect(trainOptionsSchema.safeParse({ steps: 1, lrMultipliers: { logitBias: -1 } }).success).to.equal(false);
  });
});
