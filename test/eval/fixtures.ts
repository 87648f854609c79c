/** Hand-made embeddings shared by the eval tests. */
import { Rng } from '../../lib/random';

/** `[n, d]` rows of iid standard normals from `seed`. */
export function randomRows(n: number, d: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: n }, () => Array.from({ length: d }, () => rng.normal()));
}

/** `[n, n]` identity rows. */
export function identity(n: number): number[][] {
  return Array.from({ length: n }, (_, i) => Array.from({ length: n }, (_, j) => (i === j ? 1 : 0)));
}

/**
 * Embeddings whose dot products are exactly `sims [N, M]` (use with normalize: false):
 * images are one-hot rows, caption j is column j of `sims`.
 */
export function fromSimilarities(sims: number[][]): { imageEmb: number[][]; textEmb: number[][] } {
  const N = sims.length;
  const M = sims[0].length;
  return { imageEmb: identity(N), textEmb: Array.from({ length: M }, (_, j) => sims.map((row) => row[j])) };
}
