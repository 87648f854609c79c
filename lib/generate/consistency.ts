/**
 * Scores of generated images against their prompts, with a separately trained contrastive scorer's
 * embeddings (CLIP-score-like): does each image retrieve its own prompt among all prompts (R@k), and
 * does its best prompt belong to its prompt's class — each next to the same images scored against a
 * shuffled assignment of prompts (what an image unrelated to its prompt scores) and the chance level.
 * And memorisation: each image's pixel distance to its nearest training image.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';

/** Row-major host matrix [rows, cols]. */
export interface Rows {
  data: Float32Array;
  shape: [number, number];
}

/** Cosine similarities [M, M'] of the rows of `a` [M, E] and `b` [M', E], on the host. */
export function cosineSimilarities(a: Rows, b: Rows): Float32Array {
  if (a.shape[1] !== b.shape[1]) throw new Error(`cosineSimilarities: a is [${a.shape}] and b is [${b.shape}]: widths differ`);
  const sims = tf.tidy(() => {
    const unit = (m: Rows) => {
      const t = tf.tensor2d(m.data, m.shape);
      return t.div(t.norm('euclidean', 1, true).maximum(1e-12));
    };
    return tf.matMul(unit(a), unit(b).transpose());
  });
  // read outside tidy: tidy would walk every element of a returned TypedArray
  const data = sims.dataSync() as Float32Array;
  sims.dispose();
  return data;
}

/** 1-based rank of prompt `target[i]` in row i of sims [M, P] (ties count against it). */
export function targetRanks(sims: Float32Array, P: number, target: ArrayLike<number>): number[] {
  return Array.from(target, (t, i) => {
    const row = sims.subarray(i * P, (i + 1) * P);
    let rank = 1;
    for (let j = 0; j < P; j++) if (j !== t && row[j] >= row[t]) rank++;
    return rank;
  });
}

export interface ConsistencyInput {
  /** Scorer embeddings of the generated images [M, E]: row i drawn for prompt `promptOf[i]`. */
  imageEmb: Rows;
  /** Scorer embeddings of the distinct prompts [P, E]. */
  promptEmb: Rows;
  promptOf: number[];
  /** Class of each prompt [P] (e.g. the emoji category), for the class-level score. */
  promptClass?: number[];
  ks?: number[];
  /** Shuffled assignments averaged for the baseline (default 20). */
  shuffles?: number;
  seed?: number;
}

export interface ConsistencyScores {
  /** Fraction of images whose own prompt is in their top k, per k. */
  recall: Record<number, number>;
  /** The same with each image's prompt replaced by a random other image's prompt (mean over shuffles). */
  shuffledRecall: Record<number, number>;
  /** k / P. */
  chanceRecall: Record<number, number>;
  /** Fraction of images whose best prompt has their prompt's class; shuffled and chance (Σ share²) beside it. */
  classTop1?: number;
  shuffledClassTop1?: number;
  chanceClassTop1?: number;
  images: number;
  prompts: number;
}

export function promptConsistency(input: ConsistencyInput): ConsistencyScores {
  const { imageEmb, promptEmb, promptOf, promptClass, ks = [1, 5], shuffles = 20, seed = 0 } = input;
  const M = imageEmb.shape[0];
  const P = promptEmb.shape[0];
  if (promptOf.length !== M) throw new Error(`promptConsistency: promptOf has ${promptOf.length} entries for ${M} images`);
  if (promptClass && promptClass.length !== P) throw new Error(`promptConsistency: promptClass has ${promptClass.length} entries for ${P} prompts`);
  const sims = cosineSimilarities(imageEmb, promptEmb);
  const recallOf = (target: number[]) => {
    const ranks = targetRanks(sims, P, target);
    return Object.fromEntries(ks.map((k) => [k, ranks.filter((r) => r <= k).length / M]));
  };
  const best = Array.from({ length: M }, (_, i) => {
    const row = sims.subarray(i * P, (i + 1) * P);
    let arg = 0;
    for (let j = 1; j < P; j++) if (row[j] > row[arg]) arg = j;
    return arg;
  });
  const classHits = (target: number[]) => best.filter((b, i) => promptClass![b] === promptClass![target[i]]).length / M;
  const rng = new Rng(seed);
  const shuffledTargets = Array.from({ length: shuffles }, () => rng.permutation(M).map((i) => promptOf[i]));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  const shuffled = shuffledTargets.map(recallOf);
  const out: ConsistencyScores = {
    recall: recallOf(promptOf),
    shuffledRecall: Object.fromEntries(ks.map((k) => [k, mean(shuffled.map((r) => r[k]))])),
    chanceRecall: Object.fromEntries(ks.map((k) => [k, Math.min(1, k / P)])),
    images: M,
    prompts: P,
  };
  if (promptClass) {
    const counts = new Map<number, number>();
    for (const p of promptOf) counts.set(promptClass[p], (counts.get(promptClass[p]) ?? 0) + 1);
    out.classTop1 = classHits(promptOf);
    out.shuffledClassTop1 = mean(shuffledTargets.map(classHits));
    out.chanceClassTop1 = [...counts.values()].reduce((s, c) => s + (c / M) ** 2, 0);
  }
  return out;
}

/**
 * Root-mean-square pixel distance of each query image to its nearest reference image: queries
 * [M, P], references [R, P] (flattened pixels) -> [M] distances and the nearest reference's index.
 */
export function nearestImages(queries: Rows, references: Rows, chunk = 256): { distance: number[]; index: number[] } {
  if (queries.shape[1] !== references.shape[1]) throw new Error(`nearestImages: queries are [${queries.shape}], references [${references.shape}]: pixel counts differ`);
  const [M, P] = queries.shape;
  const R = references.shape[0];
  const distance: number[] = [];
  const index: number[] = [];
  const refs = tf.tensor2d(references.data, [R, P]);
  const refNorms = tf.tidy(() => refs.square().sum(1).expandDims(0)); // [1, R]
  try {
    for (let s = 0; s < M; s += chunk) {
      const n = Math.min(chunk, M - s);
      const [d2T, argT] = tf.tidy(() => {
        const q = tf.tensor2d(queries.data.subarray(s * P, (s + n) * P), [n, P]);
        // ‖q − r‖² = ‖q‖² − 2 q·r + ‖r‖²
        const sq = q.square().sum(1, true).sub(tf.matMul(q, refs, false, true).mul(2)).add(refNorms); // [n, R]
        return [sq.min(1).maximum(0), sq.argMin(1)];
      });
      const d2 = d2T.dataSync() as Float32Array;
      const arg = argT.dataSync() as Int32Array;
      tf.dispose([d2T, argT]);
      d2.forEach((v, i) => {
        distance.push(Math.sqrt(v / P));
        index.push(arg[i]);
      });
    }
  } finally {
    tf.dispose([refs, refNorms]);
  }
  return { distance, index };
}
