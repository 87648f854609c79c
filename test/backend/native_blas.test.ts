/**
 * The optional native products (OpenBLAS through native/blas.cc, in place on the wasm heap): the
 * addon's own arithmetic, that every wasm product routes through it when it is active, values
 * against the cpu backend for each transpose / batch / bias case, and the off switch.
 */
import { spawnSync } from 'child_process';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { MVLM_KERNELS, initBackend, useBackend } from '../../lib/backend';
import { nativeBlas } from '../../lib/backend/native_blas';
import { Linear } from '../../lib/core/layers';
import { ParamStore } from '../../lib/core/params';
import { Rng } from '../../lib/random';
import { expectNoLeak } from '../helpers';
import { OPENBLAS, describeNeeding } from '../system_requirements';

const CLI = path.resolve(__dirname, '..', '..', 'dist', 'lib', 'cli.js');
const seeded = (shape: number[], seed: number) => tf.randomNormal(shape, 0, 1, 'float32', seed);

/** max |a − b| / max |b| */
function normError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).to.equal(b.length);
  let err = 0;
  let scale = 0;
  for (let i = 0; i < a.length; i++) {
    err = Math.max(err, Math.abs(a[i] - b[i]));
    scale = Math.max(scale, Math.abs(b[i]));
  }
  return err / scale;
}

describeNeeding(OPENBLAS, 'backend: native OpenBLAS products', function () {
  this.timeout(120000);
  before(async function () {
    if ((await initBackend()).backend !== 'wasm') this.skip();
  });

  it('gemm: exact small-integer products for each transpose, with bias, broadcast batch, and offsets checked', () => {
    const blas = nativeBlas()!;
    const heap = new ArrayBuffer(4096);
    const f = new Float32Array(heap);
    // a [2, 3] at float 0, b [3, 2] at float 16, bias [2] at float 32, c at float 48
    f.set([1, 2, 3, 4, 5, 6], 0);
    f.set([1, 0, 0, 1, 1, 1], 16);
    f.set([10, 20], 32);
    blas.gemm(heap, 1, 2, 2, 3, 0, 0, 0, 64, 192, 0, 0, 128);
    expect(Array.from(f.slice(48, 52))).to.deep.equal([14, 25, 20, 31]); // a·b + bias
    // aᵀ·b: a read as [3, 2]ᵀ — the same six numbers, now a 2×3 of columns
    blas.gemm(heap, 1, 2, 2, 3, 1, 0, 0, 64, 192, 0, 0, 0);
    expect(Array.from(f.slice(48, 52))).to.deep.equal([6, 8, 8, 10]);
    // a·bᵀ with b read as [2, 3]: rows (1,0,0), (1,1,1)
    blas.gemm(heap, 1, 2, 2, 3, 0, 1, 0, 64, 192, 0, 0, 0);
    expect(Array.from(f.slice(48, 52))).to.deep.equal([1, 6, 4, 15]);
    // two products, b broadcast (stride 0)
    f.set([1, 2, 3, 4, 5, 6, 0, 0, 0, 0, 0, 1], 0);
    blas.gemm(heap, 2, 2, 2, 3, 0, 0, 0, 64, 192, 6, 0, 0);
    expect(Array.from(f.slice(48, 56))).to.deep.equal([4, 5, 10, 11, 0, 0, 1, 1]);
    expect(() => blas.gemm(heap, 1, 64, 64, 64, 0, 0, 0, 0, 0, 0, 0, 0)).to.throw(RangeError, /outside the heap/);
  });

  it('every wasm product runs through it: tf.matMul gives the bits of a direct gemm call', async () => {
    const a = seeded([96, 200], 1);
    const b = seeded([200, 72], 2);
    const viaTf = await expectNoLeak(() => tf.tidy(() => tf.matMul(a, b).dataSync()));
    const heap = new ArrayBuffer(4 * (96 * 200 + 200 * 72 + 96 * 72));
    const f = new Float32Array(heap);
    f.set(a.dataSync(), 0);
    f.set(b.dataSync(), 96 * 200);
    nativeBlas()!.gemm(heap, 1, 96, 72, 200, 0, 0, 0, 4 * 96 * 200, 4 * (96 * 200 + 200 * 72), 0, 0, 0);
    expect(Array.from(viaTf)).to.deep.equal(Array.from(f.slice(96 * 200 + 200 * 72)));
    tf.dispose([a, b]);
  });

  const CASES: { name: string; a: number[]; b: number[]; ta: boolean; tb: boolean }[] = [
    { name: 'a·b', a: [33, 70], b: [70, 19], ta: false, tb: false },
    { name: 'aᵀ·b', a: [70, 33], b: [70, 19], ta: true, tb: false },
    { name: 'a·bᵀ', a: [33, 70], b: [19, 70], ta: false, tb: true },
    { name: 'aᵀ·bᵀ', a: [70, 33], b: [19, 70], ta: true, tb: true },
    { name: 'batched a·bᵀ (attention scores)', a: [6, 17, 8], b: [6, 17, 8], ta: false, tb: true },
    { name: 'batch against a broadcast b', a: [4, 9, 12], b: [12, 5], ta: false, tb: false },
  ];
  for (const c of CASES) {
    it(`${c.name} ${JSON.stringify(c.a)}·${JSON.stringify(c.b)} equals the cpu backend's`, async () => {
      const a = seeded(c.a, 3);
      const b = seeded(c.b, 4);
      const wasm = await expectNoLeak(() => tf.tidy(() => tf.matMul(a, b, c.ta, c.tb).dataSync()));
      await useBackend('cpu');
      const cpu = tf.tidy(() => tf.matMul(a, b, c.ta, c.tb).dataSync());
      await useBackend('wasm');
      expect(normError(wasm, cpu)).to.be.below(1e-6);
      tf.dispose([a, b]);
    });
  }

  it('a dense layer (bias in the product) and its gradients equal the wasm kernels\' route', async () => {
    const store = new ParamStore(new Rng(0));
    const layer = new Linear(store, 'dense', 40, 24);
    const x = seeded([3, 7, 40], 5);
    const run = () =>
      tf.tidy(() => {
        const { value, grads } = tf.variableGrads(() => layer.apply(x).square().sum() as tf.Scalar);
        return [value, ...Object.values(grads)].map((t) => Array.from(t.dataSync()));
      });
    const native = await expectNoLeak(run);
    MVLM_KERNELS.nativeBlas = false;
    try {
      const kernels = run();
      native.forEach((n, i) => expect(normError(n, kernels[i]), `output ${i}`).to.be.below(1e-6));
    } finally {
      MVLM_KERNELS.nativeBlas = true;
    }
    x.dispose();
    store.dispose();
  });

  it('mvlm info names the library in use, and MVLM_NATIVE_BLAS=0 turns it off', () => {
    const on = spawnSync(process.execPath, [CLI, 'info'], { encoding: 'utf8', env: { ...process.env, MVLM_BACKEND: 'wasm' } });
    expect(on.stdout).to.match(/native BLAS\s+\S*openblas\S*, \d+ thread\(s\): products run on OpenBLAS/);
    const off = spawnSync(process.execPath, [CLI, 'info'], { encoding: 'utf8', env: { ...process.env, MVLM_BACKEND: 'wasm', MVLM_NATIVE_BLAS: '0' } });
    expect(off.stdout).to.match(/native BLAS\s+off \(MVLM_NATIVE_BLAS=0\): products run on mvlm's wasm kernels/);
  });
});
