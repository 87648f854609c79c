/** Hard-negative sampling for ITM (ALBEF/BLIP): similar but wrong pairs make the hardest negatives. */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';

export interface SampleHardNegativesArgs {
  /** [B, B] similarities, row i = query i against every candidate j (e.g. s·I·Tᵀ). */
  similarity: tf.Tensor2D | number[][];
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
 * Per row i, draw j ≠ i with probability ∝ softmax(similarity[i]) with the diagonal zeroed, i.e. the
 * softmax over the off-diagonal entries (computed in float64 from their max, so it never underflows).
 * Done on the host: the draw is data for the next forward pass, never differentiated.
 * @returns B indices, entry i ≠ i
 */
export function sampleHardNegatives({ similarity, seed }: SampleHardNegativesArgs): number[] {
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
    const weights = row.map((v, j) => (j === i ? 0 : Math.exp(v - max)));
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
