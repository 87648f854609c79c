/** Nearest neighbours in the joint space: unit-norm embeddings, so cosine similarity is a dot product. */

export interface Match {
  /** Row of the searched matrix. */
  index: number;
  /** Cosine similarity with the query. */
  score: number;
}

/** The `k` rows of `matrix` [N, E] (row-major) most similar to `query` [E], best first (ties: lower index first). */
export function nearest(query: Float32Array, matrix: Float32Array, k: number): Match[] {
  const E = query.length;
  if (E === 0 || matrix.length % E !== 0) throw new Error(`nearest: matrix has ${matrix.length} values, not a multiple of the query's ${E}`);
  const N = matrix.length / E;
  const scores: Match[] = [];
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let j = 0; j < E; j++) s += query[j] * matrix[i * E + j];
    scores.push({ index: i, score: s });
  }
  return scores.sort((a, b) => b.score - a.score || a.index - b.index).slice(0, k);
}
