/**
 * Image–text retrieval with several captions per image: Recall@k both ways, and the mean and
 * median 1-based rank of the first correct item.
 *
 * The similarity matrix is built `chunkSize` query rows at a time, so N = M = several thousand
 * needs only `chunkSize × max(N, M)` floats at once.
 *
 * Ties count against the model: an incorrect item whose similarity *equals* the best correct one
 * is ranked before it. So a collapsed model (all embeddings equal) gets the worst rank, not R@1 = 1.
 */
import * as tf from '@tensorflow/tfjs';
import { DenseInput, IntInput, mean, median, pairedEmbeddings } from './inputs';
import { MetricSamples, meanSample } from './sample';

export interface RetrievalInput {
  /** `[N, D]` one row per image. */
  imageEmb: DenseInput;
  /** `[M, D]` one row per caption. */
  textEmb: DenseInput;
  /** `[M]` image row of each caption. Default: caption j belongs to image j (needs M = N). */
  textToImage?: IntInput;
  /** Cut-offs for Recall@k (default [1, 5, 10]). */
  ks?: number[];
  /** L2-normalise rows first, i.e. rank by cosine similarity (default true). */
  normalize?: boolean;
  /** Query rows per similarity chunk (default 256). */
  chunkSize?: number;
}

export interface DirectionResult {
  /** Recall@k for each k of `ks`: fraction of queries whose first correct item has rank ≤ k. */
  recall: Record<number, number>;
  meanRank: number;
  medianRank: number;
  /** 1-based rank of the first correct item, per query (images without captions are skipped). */
  ranks: Int32Array;
  /** Correct gallery items of each query (`[queries]`, aligned with `ranks`). */
  positives: Int32Array;
  /** Items in the gallery searched. */
  gallerySize: number;
}

export interface RetrievalResult {
  /** Image queries against captions: a hit if any of the image's captions is in the top k. */
  i2t: DirectionResult;
  /** Caption queries against images. */
  t2i: DirectionResult;
  ks: number[];
}

/** Retrieval metrics of paired image/caption embeddings. */
export async function retrieval(input: RetrievalInput): Promise<RetrievalResult> {
  const { ks = [1, 5, 10], normalize = true, chunkSize = 256 } = input;
  if (!(chunkSize >= 1)) throw new Error(`retrieval: chunkSize must be ≥ 1, got ${chunkSize}`);
  const { img, txt, textToImage: t2iIdx } = await pairedEmbeddings(input, normalize, 'retrieval');
  try {
    const N = img.shape[0];
    const captionsOf: number[][] = Array.from({ length: N }, () => []);
    t2iIdx.forEach((i, j) => captionsOf[i].push(j));
    const captioned = captionsOf.map((c) => c.length > 0);
    const i2tRanks = await firstCorrectRanks(img, txt, chunkSize, (i) => captionsOf[i]);
    const t2iRanks = await firstCorrectRanks(txt, img, chunkSize, (j) => [t2iIdx[j]]);
    const M = txt.shape[0];
    const captionCounts = Int32Array.from(captionsOf.filter((c) => c.length > 0), (c) => c.length);
    return {
      i2t: summarise(i2tRanks.filter((_, i) => captioned[i]), ks, captionCounts, M),
      t2i: summarise(t2iRanks, ks, new Int32Array(M).fill(1), N),
      ks: ks.slice(),
    };
  } finally {
    img.dispose();
    txt.dispose();
  }
}

/**
 * For each row of `queries [Q, D]`, the 1-based rank among `gallery [G, D]` of its best-scoring
 * correct item, `positives(q)` listing the correct gallery rows of query q (non-empty).
 * Similarities are computed on the backend chunk by chunk and ranked in JS: tfjs's broadcasting
 * comparisons are ~100× slower than a matMul on wasm.
 */
async function firstCorrectRanks(
  queries: tf.Tensor2D, gallery: tf.Tensor2D, chunkSize: number, positives: (q: number) => ArrayLike<number>,
): Promise<Int32Array> {
  const [Q, D] = queries.shape;
  const G = gallery.shape[0];
  const out = new Int32Array(Q);
  // Transpose once: [G, D] -> [D, G], so each chunk is a plain matMul.
  const galleryT = tf.transpose(gallery) as tf.Tensor2D;
  try {
    for (let r0 = 0; r0 < Q; r0 += chunkSize) {
      const c = Math.min(chunkSize, Q - r0);
      const simsT = tf.tidy(() => tf.matMul(queries.slice([r0, 0], [c, D]), galleryT)); // [c, G]
      const sims = (await simsT.data()) as Float32Array;
      simsT.dispose();
      for (let q = 0; q < c; q++) {
        const row = sims.subarray(q * G, (q + 1) * G);
        const pos = positives(r0 + q);
        let best = -Infinity;
        for (let p = 0; p < pos.length; p++) best = Math.max(best, row[pos[p]]);
        let atLeast = 0; // items scoring ≥ best, the correct ones included
        for (let g = 0; g < G; g++) if (row[g] >= best) atLeast++;
        let correctAtLeast = 0;
        for (let p = 0; p < pos.length; p++) if (row[pos[p]] >= best) correctAtLeast++;
        out[r0 + q] = atLeast - correctAtLeast + 1;
      }
    }
  } finally {
    galleryT.dispose();
  }
  return out;
}

function summarise(ranks: Int32Array, ks: number[], positives: Int32Array, gallerySize: number): DirectionResult {
  if (ranks.length === 0) throw new Error('retrieval: no queries with a correct item');
  const recall: Record<number, number> = {};
  for (const k of ks) {
    let hits = 0;
    for (const r of ranks) if (r <= k) hits++;
    recall[k] = hits / ranks.length;
  }
  return { recall, meanRank: mean(ranks), medianRank: median(ranks), ranks, positives, gallerySize };
}

/** Chance Recall@k of a query with `c` correct items among `G`: 1 − C(G−c, k) / C(G, k). */
export function chanceRecall(k: number, c: number, G: number): number {
  let miss = 1;
  for (let j = 0; j < Math.min(k, G); j++) miss *= Math.max(0, G - c - j) / (G - j);
  return 1 - miss;
}

/** Chance expected rank of the first of `c` correct items among `G` in a random order: (G + 1) / (c + 1). */
export function chanceMeanRank(c: number, G: number): number {
  return (G + 1) / (c + 1);
}

/**
 * Samples of one direction: `<dir>_r<k>` and `<dir>_mean_rank` with items = queries (i2t: captioned
 * images, t2i: captions) and their chance levels; `<dir>_median_rank` without items (not a mean).
 */
export function retrievalSamples(r: RetrievalResult): MetricSamples {
  const out: MetricSamples = {};
  for (const dir of ['i2t', 't2i'] as const) {
    const d = r[dir];
    const chance = (f: (c: number) => number) => mean(Array.from(d.positives, f));
    for (const k of r.ks) {
      out[`${dir}_r${k}`] = meanSample(Array.from(d.ranks, (rank) => (rank <= k ? 1 : 0)), {
        chance: chance((c) => chanceRecall(k, c, d.gallerySize)),
        higherIsBetter: true,
      });
    }
    out[`${dir}_mean_rank`] = meanSample(Array.from(d.ranks), { chance: chance((c) => chanceMeanRank(c, d.gallerySize)), higherIsBetter: false });
    out[`${dir}_median_rank`] = { value: d.medianRank, higherIsBetter: false };
  }
  return out;
}
