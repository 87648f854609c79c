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
import {
  DenseInput, IntInput, asMatrix, checkDim, checkIndices, assertFinite, l2NormalizeRows, mean, median, toInts,
} from './inputs';

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
  const [img, txt] = tf.tidy(() => {
    const i = asMatrix(input.imageEmb, 'retrieval: imageEmb');
    const t = asMatrix(input.textEmb, 'retrieval: textEmb');
    checkDim(i.shape, 'imageEmb', 1, t.shape, 'textEmb', 1);
    return normalize ? [l2NormalizeRows(i), l2NormalizeRows(t)] : [i.clone(), t.clone()];
  });
  try {
    await assertFinite(img, 'retrieval: imageEmb');
    await assertFinite(txt, 'retrieval: textEmb');
    const N = img.shape[0];
    const M = txt.shape[0];
    if (input.textToImage == null && M !== N) {
      throw new Error(`retrieval: textToImage is required when textEmb has ${M} rows and imageEmb has ${N}`);
    }
    const t2iIdx = input.textToImage == null ? Int32Array.from({ length: M }, (_, j) => j) : toInts(input.textToImage, 'textToImage');
    checkIndices(t2iIdx, 'retrieval: textToImage', M, N, 'imageEmb rows');
    const t2iTensor = tf.tensor1d(t2iIdx, 'int32');
    try {
      const i2tRanks = await firstCorrectRanks(img, txt, chunkSize, (r0, c) =>
        tf.equal(tf.range(r0, r0 + c, 1, 'int32').expandDims(1), t2iTensor.expandDims(0)) as tf.Tensor2D);
      const t2iRanks = await firstCorrectRanks(txt, img, chunkSize, (r0, c) =>
        tf.equal(t2iTensor.slice(r0, c).expandDims(1), tf.range(0, N, 1, 'int32').expandDims(0)) as tf.Tensor2D);
      const captioned = new Uint8Array(N);
      for (const i of t2iIdx) captioned[i] = 1;
      return {
        i2t: summarise(i2tRanks.filter((_, i) => captioned[i] === 1), ks),
        t2i: summarise(t2iRanks, ks),
        ks: ks.slice(),
      };
    } finally {
      t2iTensor.dispose();
    }
  } finally {
    img.dispose();
    txt.dispose();
  }
}

/**
 * For each row of `queries [Q, D]`, the 1-based rank among `gallery [G, D]` of its best-scoring
 * correct item; `positives(r0, c)` gives the `[c, G]` boolean mask of correct items of rows r0..r0+c.
 * Queries with no correct item get rank G + 1.
 */
async function firstCorrectRanks(
  queries: tf.Tensor2D, gallery: tf.Tensor2D, chunkSize: number,
  positives: (r0: number, c: number) => tf.Tensor2D,
): Promise<Int32Array> {
  const [Q, D] = queries.shape;
  const G = gallery.shape[0];
  const out = new Int32Array(Q);
  // Transpose once: [G, D] -> [D, G], so each chunk is a plain matMul.
  const galleryT = tf.transpose(gallery) as tf.Tensor2D;
  try {
    for (let r0 = 0; r0 < Q; r0 += chunkSize) {
      const c = Math.min(chunkSize, Q - r0);
      const ranks = tf.tidy(() => {
        const sims = tf.matMul(queries.slice([r0, 0], [c, D]), galleryT); // [c, G]
        const pos = positives(r0, c); // [c, G] bool
        const best = tf.where(pos, sims, tf.fill([c, G], -Infinity)).max(1, true); // [c, 1]
        const beaten = tf.logicalAnd(tf.greaterEqual(sims, best), tf.logicalNot(pos)); // [c, G]
        return beaten.cast('int32').sum(1).add(1); // [c]
      });
      out.set(await ranks.data() as Int32Array, r0);
      ranks.dispose();
    }
  } finally {
    galleryT.dispose();
  }
  return out;
}

function summarise(ranks: Int32Array, ks: number[]): DirectionResult {
  if (ranks.length === 0) throw new Error('retrieval: no queries with a correct item');
  const recall: Record<number, number> = {};
  for (const k of ks) {
    let hits = 0;
    for (const r of ranks) if (r <= k) hits++;
    recall[k] = hits / ranks.length;
  }
  return { recall, meanRank: mean(ranks), medianRank: median(ranks), ranks };
}
