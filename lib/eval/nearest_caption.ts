/**
 * The nearest-caption baseline: each query image gets the caption of its nearest training image
 * (squared L2 between feature rows: raw pixels, or any embedding). A captioner that does not beat
 * it has learned nothing beyond "find a similar training picture".
 */
import * as tf from '@tensorflow/tfjs';
import { DenseInput, asMatrix } from './inputs';

/** Index of the nearest row of `train` [M, D] for every row of `queries` [N, D] (first on ties). */
export async function nearestRows(queries: DenseInput, train: DenseInput, chunk = 256): Promise<number[]> {
  const trainT = asMatrix(train, 'nearestRows: train');
  const q = asMatrix(queries, 'nearestRows: queries');
  const out: number[] = [];
  try {
    const [N, D] = q.shape;
    if (trainT.shape[1] !== D) throw new Error(`nearestRows: queries are [${q.shape}] but train rows are [${trainT.shape}]`);
    if (trainT.shape[0] === 0) throw new Error('nearestRows: no training rows to search');
    const trainSq = tf.tidy(() => trainT.square().sum(1)); // [M]
    for (let start = 0; start < N; start += chunk) {
      const end = Math.min(N, start + chunk);
      const idx = tf.tidy(() => {
        const part = q.slice([start, 0], [end - start, D]);
        // |q|² is the same for every candidate of a row: argmin over |t|² − 2 q·t
        return trainSq.sub(tf.matMul(part, trainT, false, true).mul(2)).argMin(1);
      });
      out.push(...(await idx.data()));
      idx.dispose();
    }
    trainSq.dispose();
  } finally {
    if (trainT !== (train as unknown)) trainT.dispose();
    if (q !== (queries as unknown)) q.dispose();
  }
  return out;
}
