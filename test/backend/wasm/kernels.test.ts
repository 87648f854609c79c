/**
 * mvlm's own wasm kernels (kernels/*.ts on the tfjs heap) against the same computation on the cpu
 * backend, where the tensor formulations run: values and gradients, odd sizes that exercise the
 * SIMD tails, and no leaks.
 */
import * as fs from 'fs';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { initBackend, useBackend } from '../../../lib/backend';
import { gelu } from '../../../lib/core';
import { layerNorm } from '../../../lib/core/fused';
import { splitHeads } from '../../../lib/core/split_heads';
import { Linear } from '../../../lib/core/layers';
import { ParamStore } from '../../../lib/core/params';
import { Rng } from '../../../lib/random';
import { AdamW } from '../../../lib/train/adamw';
import { kernelsFile } from '../../../lib/backend/wasm/kernels';
import { MEAN_ROWS_KERNEL } from '../../../lib/backend/wasm/mean_rows';
import { expectNoLeak } from '../../helpers';

type Arrays = number[][];
declare const WebAssembly: { Module: { new (bytes: Uint8Array): object; imports(m: object): { module: string; name: string; kind: string }[] } };

/** `fn` on wasm (checked for leaks) and on cpu; returns both results as plain arrays. */
async function onBoth(fn: () => Arrays): Promise<{ wasm: Arrays; cpu: Arrays }> {
  const wasm = await expectNoLeak(fn);
  await useBackend('cpu');
  try {
    return { wasm, cpu: fn() };
  } finally {
    await useBackend('wasm');
  }
}

const seeded = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);
const arrays = (ts: tf.Tensor[]) => ts.map((t) => Array.from(t.dataSync()));

/** Every output within `tol` of cpu's, normwise: max |wasm − cpu| / max |cpu|. */
function expectClose(r: { wasm: Arrays; cpu: Arrays }, tol: number): void {
  expect(r.wasm.length).to.equal(r.cpu.length);
  r.wasm.forEach((w, i) => {
    const c = r.cpu[i];
    expect(w.length, `output ${i} size`).to.equal(c.length);
    const scale = c.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    const err = w.reduce((m, v, j) => Math.max(m, Math.abs(v - c[j])), 0) / scale;
    expect(err, `output ${i}`).to.be.below(tol);
  });
}

describe('wasm/kernels', function () {
  before(async function () {
    if ((await initBackend()).backend !== 'wasm') this.skip();
  });

  it('the module imports only the heap and writes no data of its own (it cannot clobber tensors)', () => {
    const file = kernelsFile();
    const module = new WebAssembly.Module(fs.readFileSync(file));
    expect(WebAssembly.Module.imports(module)).to.deep.equal([{ module: 'env', name: 'memory', kind: 'memory' }]);
    const bytes = fs.readFileSync(file);
    // section ids: 11 = data, 6 = global; walk the section headers (LEB128 sizes)
    const ids: number[] = [];
    for (let at = 8; at < bytes.length; ) {
      ids.push(bytes[at++]);
      let size = 0;
      for (let shift = 0; ; shift += 7) {
        const b = bytes[at++];
        size |= (b & 0x7f) << shift;
        if (b < 0x80) break;
      }
      at += size;
    }
    expect(ids).to.not.include(11);
    expect(ids).to.not.include(6);
  });

  // [a, b, transposeA, transposeB]; broadcast batches are checked in value only (tfjs's own
  // BatchMatMul gradient does not reduce a broadcast batch: "gradient of input 'a' has shape …")
  const products: [number[], number[], boolean, boolean][] = [
    [[3, 5, 7], [3, 7, 9], false, false],
    [[3, 7, 5], [3, 7, 17], true, false],
    [[2, 4, 5, 3], [2, 4, 9, 3], false, true],
    [[2, 3, 5], [2, 1, 3], true, true],
    [[1, 6, 8], [4, 8, 13], false, false], // a broadcast over the batch
    [[4, 9, 1], [1, 1, 12], false, false],
    [[8, 17, 32], [8, 17, 32], false, true], // attention-sized, k a multiple of 4
    [[9, 6], [7, 6], false, true], // 2-D a·bᵀ (dX = dY·Wᵀ) on the dot kernel
    [[30, 6], [30, 10], true, false], // 2-D aᵀ·b with a small output (weight gradient)
    [[33, 7], [7, 13], false, false], // 2-D a·b with a small weight (forward of a narrow layer)
    [[1100, 37], [1100, 75], true, false], // b past one cache panel (k·n > 64k) and packed (k ≥ 1024): panels of 56 columns, then 8-, 4- and 1-wide tails
    [[2, 1030, 70], [2, 70, 1030], true, true], // batched aᵀ·bᵀ, packed panels
    [[3, 20, 1030], [3, 1030, 21], false, false], // batched a·b, b packed per batch entry, 8-, 4- and 1-wide tails
  ];
  for (const [sa, sb, ta, tb] of products) {
    it(`batched matMul [${sa}]${ta ? 'ᵀ' : ''} · [${sb}]${tb ? 'ᵀ' : ''} equals cpu in value and gradients`, async () => {
      const r = await onBoth(() =>
        tf.tidy(() => {
          const a = seeded(sa, 1);
          const b = seeded(sb, 2);
          const f = (x: tf.Tensor, y: tf.Tensor) => tf.matMul(x, y, ta, tb).mul(seeded(tf.matMul(x, y, ta, tb).shape, 3)).sum();
          const broadcast = sa.length > 2 && sa[0] !== sb[0];
          return arrays([tf.matMul(a, b, ta, tb), ...(broadcast ? [] : tf.grads(f)([a, b]))]);
        }),
      );
      expectClose(r, 1e-6);
    });
  }

  it('GELU forward and backward equal the tensor formulation (odd sizes, 0, large |x|)', async () => {
    for (const n of [1, 2, 3, 5, 131]) {
      const r = await onBoth(() =>
        tf.tidy(() => {
          const x = tf.concat([tf.tensor1d([0, -1e-7, 30, -30, 9.5, -9.5]), seeded([n], n).mul(3)]);
          const w = seeded(x.shape, 7);
          return arrays([gelu(x), tf.grad((t: tf.Tensor) => gelu(t).mul(w).sum())(x)]);
        }),
      );
      // both approximate erfc by A&S 7.1.26; they differ in e^{−x²/2} (exp polynomial vs sigmoid)
      expectClose(r, 1e-6);
    }
  });

  it('GELU keeps NaN NaN, forward and backward (a NaN loss must stop training, not vanish)', async () => {
    const [y, dx] = await expectNoLeak(() =>
      tf.tidy(() => {
        const x = tf.tensor1d([NaN, 1, NaN, -2, NaN]);
        return arrays([gelu(x), tf.grad((t: tf.Tensor) => gelu(t).sum())(x)]);
      }),
    );
    for (const out of [y, dx]) expect(out.map(Number.isNaN)).to.deep.equal([true, false, true, false, true]);
  });

  it('LayerNorm forward and backward equal the tensor formulation (D with and without a SIMD tail)', async () => {
    for (const d of [4, 7, 130]) {
      const r = await onBoth(() =>
        tf.tidy(() => {
          const x = seeded([3, 5, d], d).mul(2).add(1);
          const gamma = seeded([d], 11).mul(0.3).add(1);
          const beta = seeded([d], 12).mul(0.3);
          const w = seeded([3, 5, d], 13);
          const f = (a: tf.Tensor, g: tf.Tensor, b: tf.Tensor) => layerNorm(a, g, b, 1e-6).mul(w).sum();
          return arrays([layerNorm(x, gamma, beta, 1e-6), ...tf.grads(f)([x, gamma, beta])]);
        }),
      );
      expectClose(r, 1e-6);
    }
  });

  it('AdamW: the one-kernel update equals the tensor update (three steps, decay on and off)', async () => {
    const r = await onBoth(() => {
      const store = new ParamStore(new Rng(0));
      store.get('w', [7, 5], { kind: 'truncatedNormal', std: 1 }); // rank 2: decayed
      store.get('b', [5], { kind: 'truncatedNormal', std: 1 }); // rank 1: not decayed
      const opt = new AdamW(store, { weightDecay: 0.1 });
      try {
        for (let s = 0; s < 3; s++) {
          const grads = new Map([
            ['w', seeded([7, 5], 10 + s)],
            ['b', seeded([5], 20 + s)],
          ]);
          opt.apply(grads, 1e-2);
          grads.forEach((g) => g.dispose());
        }
        return [...arrays([store.variable('w'), store.variable('b')]), ...arrays([...opt.stateTensors().values()])];
      } finally {
        opt.dispose();
        store.dispose();
      }
    });
    expectClose(r, 1e-7);
  });

  it('Slice, SplitV and Concat copy the same elements as cpu (any axis, rank 1-5, int32, empty parts)', async () => {
    const r = await onBoth(() =>
      tf.tidy(() => {
        const x = tf.range(0, 2 * 3 * 4 * 5 * 6).reshape([2, 3, 4, 5, 6]);
        const xi = tf.range(0, 60, 1, 'int32').reshape([3, 4, 5]);
        const outs: tf.Tensor[] = [
          tf.slice(x, [1, 0, 1, 2, 0], [1, -1, 2, 3, -1]),
          tf.slice(x, [0, 1, 0, 0, 3], [2, 2, 4, 5, 3]),
          tf.slice(x.reshape([720]), [5], [100]),
          tf.slice(xi, [1, 1, 1], [2, 3, 4]),
          tf.slice(x, [0, 0, 0, 0, 0], [2, 3, 4, 5, 0]),
          ...tf.split(x, [1, 2, 3], 4),
          ...tf.split(x, 2, 2),
          ...tf.split(xi, [3, 0, 2], 2),
          tf.concat([xi, xi.mul(2), xi.slice([0, 0, 0], [3, 4, 0])], 2),
          tf.concat([x, x.add(1)], 0),
          tf.concat([x.slice([0, 0, 0, 0, 0], [2, 1, 4, 5, 6]), x], 1),
        ];
        return outs.map((t) => [...t.shape, -1, ...Array.from(t.dataSync())]);
      }),
    );
    expect(r.wasm).to.deep.equal(r.cpu);
  });

  it('the gradient of a last-axis split (a concat) equals cpu', async () => {
    const r = await onBoth(() =>
      tf.tidy(() => {
        const x = seeded([4, 7, 12], 1);
        const f = (t: tf.Tensor) => {
          const [q, k, v] = tf.split(t, 3, 2);
          return q.mul(k).add(v.square()).sum();
        };
        return arrays([tf.grad(f)(x)]);
      }),
    );
    expectClose(r, 1e-7);
  });

  // [I, O] = [37, 21]: mvlm's kernel with every column tail; [400, 330]: over 128k floats, XNNPACK's
  for (const [I, O] of [[37, 21], [400, 330]]) {
    it(`a dense layer x·W + b [3,7,${I}]·[${I},${O}] in one kernel equals cpu in value and gradients`, async () => {
      const r = await onBoth(() => {
        const store = new ParamStore(new Rng(5));
        try {
          return tf.tidy(() => {
            const layer = new Linear(store, 'dense', I, O);
            layer.b!.assign(seeded([O], 6));
            const x = seeded([3, 7, I], 7);
            const w = seeded([3, 7, O], 8); // weights per output, so a misplaced element changes the gradients
            const f = () => layer.apply(x).mul(w).sum() as tf.Scalar;
            const { grads } = tf.variableGrads(f, [layer.w, layer.b!]);
            const dx = tf.grad((t: tf.Tensor) => layer.apply(t).mul(w).sum())(x);
            return arrays([layer.apply(x), grads[layer.w.name], grads[layer.b!.name], dx]);
          });
        } finally {
          store.dispose();
        }
      });
      expectClose(r, 1e-6);
    });
  }

  for (const dh of [8, 5]) {
    it(`attention heads split in one kernel (dh ${dh}): values and gradients equal cpu's split/reshape/transpose, exactly`, async () => {
      const r = await onBoth(() =>
        tf.tidy(() => {
          const x = seeded([3, 7, 3 * 2 * dh], 4);
          const parts = [
            { keys: false, scale: 1 / Math.sqrt(dh) },
            { keys: true, scale: 1 },
            { keys: false, scale: 1 },
          ];
          // weights per output, so a misplaced element changes the gradient
          const w = parts.map((_, i) => seeded([3, 2, 7 * dh], 10 + i));
          const loss = (t: tf.Tensor) => splitHeads(t as tf.Tensor3D, 2, parts).reduce((s, h, i) => s.add(h.reshape(w[i].shape).mul(w[i]).sum()), tf.scalar(0));
          // the key/value projection of cross-attention with its keys unused (the engine's zero dy for that part)
          const onlyValues = (t: tf.Tensor) => splitHeads(t as tf.Tensor3D, 2, parts.slice(1))[1].square().sum();
          const kv = x.slice([0, 0, 0], [3, 7, 2 * 2 * dh]);
          // cross-attention's queries: one part
          const onlyQueries = (t: tf.Tensor) => splitHeads(t as tf.Tensor3D, 2, parts.slice(0, 1))[0].reshape(w[0].shape).mul(w[0]).sum();
          const q = x.slice([0, 0, 0], [3, 7, 2 * dh]);
          return arrays([...splitHeads(x as tf.Tensor3D, 2, parts), tf.grad(loss)(x), tf.grad(onlyValues)(kv), tf.grad(onlyQueries)(q)]);
        }),
      );
      expect(r.wasm).to.deep.equal(r.cpu);
    });
  }

  it('the data-parallel mean of gradient rows equals adding the rows in order and scaling, exactly (4- and 1-wide tails)', async () => {
    const shapes = [[3, 5], [7], [2, 2, 2], [1]];
    const r = await onBoth(() =>
      tf.tidy(() => {
        const rows = seeded([3, 31], 12);
        const scale = 1 / 3;
        const mean = tf.getBackend() === 'wasm'
          ? (tf.engine().runKernel(MEAN_ROWS_KERNEL, { rows }, { shapes, scale } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[])
          : tf.split(rows.slice([0, 0], [1, 31]).add(rows.slice([1, 0], [1, 31])).add(rows.slice([2, 0], [1, 31])).reshape([31]).mul(tf.scalar(scale)), [15, 7, 8, 1]);
        mean.forEach((t, i) => expect(t.size).to.equal(tf.util.sizeFromShape(shapes[i])));
        return arrays(mean);
      }),
    );
    expect(r.wasm).to.deep.equal(r.cpu);
  });

  it('Sum over leading axes (one pass down the rows) equals cpu, with 16-, 4- and 1-wide column blocks', async () => {
    const r = await onBoth(() =>
      tf.tidy(() => {
        const x = seeded([6, 5, 37], 9);
        return arrays([x.sum(0), x.sum([0, 1]), x.sum([1, 0], true), x.reshape([30, 37]).sum(0), x.sum(1)]);
      }),
    );
    expectClose(r, 1e-6);
  });
});
