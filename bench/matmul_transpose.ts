/**
 * Transposed-matmul timing on the running backend: matMul(a, b, true, false) and (a, bᵀ, false, true)
 * on [512,512]x[512,128], as a ratio to the plain product, median of 15 runs each.
 * Run: npm run bench:matmul   (target on wasm: ratio <= 2)
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { medianMs } from '../lib/bench';

/** One warm-up call, then the median of 15. */
const median15 = (fn: () => void) => medianMs(fn, 15, 1);

async function main(): Promise<void> {
  const info = await initBackend();
  const a = tf.randomNormal([512, 512]);
  const b = tf.randomNormal([512, 128]);
  const bT = b.transpose();
  const plain = median15(() => tf.tidy(() => void tf.matMul(a, b).dataSync()));
  const tA = median15(() => tf.tidy(() => void tf.matMul(a, b, true, false).dataSync()));
  const tB = median15(() => tf.tidy(() => void tf.matMul(a, bT, false, true).dataSync()));
  const result = {
    backend: info.backend,
    plainMs: plain,
    transposeAMs: tA,
    transposeBMs: tB,
    ratioTransposeA: tA / plain,
    ratioTransposeB: tB / plain,
  };
  console.log(JSON.stringify(result, null, 2));
}

void main();
