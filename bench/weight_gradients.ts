/**
 * Weight-gradient products aᵀ·b ([rows, in]ᵀ·[rows, out]) as a training step meets them: operands
 * cold (8 pairs in rotation, so none sits in the cache), against the plain product of the same
 * FLOPs, with mvlm's matmul kernels on and off (off = transpose + XNNPACK), median of 11 rounds.
 * Run: `npx ts-node -T bench/weight_gradients.ts` (wasm backend).
 */
import * as tf from '@tensorflow/tfjs';
import { initBackend } from '../lib/backend';
import { medianMs } from '../lib/bench';
import { MVLM_KERNELS } from '../lib/backend';

// [rows, in, out]: tiny's batch (544 image rows), the fusion objectives' 1088 and maskvlm's 1632
const SHAPES = [[544, 128, 512], [1088, 128, 512], [1632, 128, 512], [1088, 512, 128], [1632, 512, 128], [512, 128, 1000]];
const POOL = 8;

/** Median ms per call of f(i), over rounds of one call per pool entry (one warm-up round). */
const timeMs = (f: (i: number) => void) => medianMs(() => Array.from({ length: POOL }, (_, i) => f(i)), 11, 1) / POOL;

async function main(): Promise<void> {
  await initBackend({ quiet: true });
  for (const [rows, inDim, outDim] of SHAPES) {
    const pairs = Array.from({ length: POOL }, (_, i) => [tf.randomNormal([rows, inDim], 0, 1, 'float32', i), tf.randomNormal([rows, outDim], 0, 1, 'float32', 100 + i)]);
    const [x, w] = [tf.randomNormal([inDim, rows]), tf.randomNormal([rows, outDim])];
    const product = (on: boolean) => {
      MVLM_KERNELS.batchMatMul = on;
      return timeMs((i) => tf.tidy(() => void tf.matMul(pairs[i][0], pairs[i][1], true, false)));
    };
    try {
      const [mvlm, stock] = [product(true), product(false)];
      MVLM_KERNELS.batchMatMul = true;
      const plain = timeMs(() => tf.tidy(() => void tf.matMul(x, w)));
      const name = `[${rows},${inDim}]ᵀ·[${rows},${outDim}]`.padEnd(22);
      console.log(`${name} mvlm ${mvlm.toFixed(2)} ms (${(mvlm / plain).toFixed(2)}x plain), transpose + XNNPACK ${stock.toFixed(2)} ms (${(stock / plain).toFixed(2)}x), plain ${plain.toFixed(2)} ms`);
    } finally {
      MVLM_KERNELS.batchMatMul = true;
      tf.dispose([...pairs.flat(), x, w]);
    }
  }
}

void main();
