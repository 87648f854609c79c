/**
 * Hard-negative sampling for ITM (ALBEF/BLIP): similar but wrong pairs make the hardest negatives.
 * ALBEF draws from softmax(sim / temp) with its learned temp (≈ 0.07): the temperature is what
 * makes the draw hard. On cosines in [−1, 1] alone the likeliest and least likely negative differ
 * by at most e² ≈ 7×, close to a uniform draw.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';

export interface SampleHardNegativesArgs {
  /** [B, B] cosine similarities, row i = query i against every candidate j (I·Tᵀ of unit-norm embeddings). */
  similarity: tf.Tensor2D | number[][];
  /** The model's learned, already exponentiated logit scale s (1 / temperature): the draw is ∝ exp(s · cos). */
  logitScale: number;
  /** Seed of the draw: same seed, same negatives. */
  seed: number;
}

function readSimilarity(similarity: tf.Tensor2D | number[][]): number[][] {
  if (!Array.isArray(similarity)) {
    const shape = similarity.shape;
    if (shape.length !== 2 || shape[0] !== shape[1]) {
      throw new Error(`sampleHardNegatives: similarity must be [B,B], got shape [${shape.join(',')}]`);
    }
    return similarity.arraySync() as number[][];
  }
  similarity.forEach((row, i) => {
    if (!Array.isArray(row) || row.length !== similarity.length) {
      const len = Array.isArray(row) ? row.length : typeof row;
      throw new Error(`sampleHardNegatives: similarity must be [B,B] with B=${similarity.length}, row ${i} has length ${len}`);
    }
  });
  return similarity;
}

/**
 * Per row i, draw j ≠ i with probability ∝ softmax(s · similarity[i]) with the diagonal zeroed, i.e.
 * the softmax over the off-diagonal entries (computed in float64 from their max, so it never
 * underflows). Done on the host: the draw is data for the next forward pass, never differentiated.
 * @returns B indices, entry i ≠ i
 */
export function sampleHardNegatives({ similarity, logitScale, seed }: SampleHardNegativesArgs): number[] {
  if (!(Number.isFinite(logitScale) && logitScale > 0)) {
    throw new Error(`sampleHardNegatives: logitScale must be a positive finite number (the exponentiated scale), got ${logitScale}`);
  }
  const sim = readSimilarity(similarity);
  const B = sim.length;
  if (B < 2) throw new Error(`sampleHardNegatives: similarity is [${B},${B}]; a batch of ${B} has no negative to draw`);
  const rng = new Rng(seed);
  return sim.map((row, i) => {
    let max = -Infinity;
    row.forEach((v, j) => {
      if (!Number.isFinite(v)) throw new Error(`sampleHardNegatives: similarity[${i}][${j}] is ${v}, must be finite`);
      if (j !== i) max = Math.max(max, v);
    });
    const weights = row.map((v, j) => (j === i ? 0 : Math.exp(logitScale * (v - max))));
    let u = rng.next() * weights.reduce((a, b) => a + b, 0);
    for (let j = 0; j < B; j++) {
      if (weights[j] === 0) continue;
      u -= weights[j];
      if (u < 0) return j;
    }
    return lastPositive(weights); // u landed on the total through rounding
  });
}

function lastPositive(weights: number[]): number {
  for (let j = weights.length - 1; j >= 0; j--) if (weights[j] > 0) return j;
  throw new Error('sampleHardNegatives: no positive weight (unreachable)');
}
