/**
 * Compositional probe (ARO / SugarCrepe style) over the `shapes` dataset's hard negatives: for each
 * image, its true caption against each caption that swaps exactly one attribute. A pair is correct
 * when sim(image, true caption) > sim(image, negative) — strictly, so ties count as wrong.
 *
 * Two steps, so scores can come from any model (dual encoder, ITM head, captioner likelihood):
 * `compositionalScores` turns embeddings into pair scores by cosine similarity, and
 * `compositionalProbe` turns pair scores into accuracies.
 */
import * as tf from '@tensorflow/tfjs';
import { MetricSamples, itemShares, meanSample } from './sample';
import { DenseInput, IntInput, asMatrix, checkDim, checkIndices, finiteOwned, l2NormalizeRows, shapeOf, toInts } from './inputs';

/** The swaps the `shapes` dataset makes; any other string kind is reported under its own name too. */
export const SWAP_KINDS = ['colour', 'shape', 'size', 'relation'] as const;

/** One (image, true caption, hard negative) comparison. */
export interface PairScore {
  /** Which attribute the negative swaps (e.g. 'colour', 'shape', 'size', 'relation'). */
  kind: string;
  /** Score of the image with its true caption (higher = more likely). */
  positive: number;
  /** Score of the image with the negative caption. */
  negative: number;
}

export interface CompositionalResult {
  /** Fraction of all pairs with positive > negative. */
  overall: number;
  /** Mean of the per-kind accuracies (each swap type weighted equally). */
  macro: number;
  /** Accuracy per kind present in the input. */
  perKind: Record<string, number>;
  /** Number of pairs per kind. */
  counts: Record<string, number>;
  /** `[pairs]` 1 where positive > negative, in input order. */
  hits: Uint8Array;
}

export function compositionalProbe({ scores }: { scores: readonly PairScore[] }): CompositionalResult {
  if (scores.length === 0) throw new Error('compositionalProbe: scores is empty');
  const hits: Record<string, number> = {};
  const counts: Record<string, number> = {};
  let total = 0;
  const hitOf = new Uint8Array(scores.length);
  for (const [i, s] of scores.entries()) {
    if (!Number.isFinite(s.positive) || !Number.isFinite(s.negative)) {
      throw new Error(`compositionalProbe: scores[${i}] (${s.kind}) has a non-finite score`);
    }
    const hit = s.positive > s.negative ? 1 : 0;
    hitOf[i] = hit;
    hits[s.kind] = (hits[s.kind] ?? 0) + hit;
    counts[s.kind] = (counts[s.kind] ?? 0) + 1;
    total += hit;
  }
  const perKind: Record<string, number> = {};
  for (const k of Object.keys(counts)) perKind[k] = hits[k] / counts[k];
  const accs = Object.values(perKind);
  return { overall: total / scores.length, macro: accs.reduce((a, b) => a + b, 0) / accs.length, perKind, counts, hits: hitOf };
}

/**
 * Samples of a probe over `scores`: `overall` (items = pairs), `macro` (items = pairs, weighted so
 * each kind counts equally) and one per kind (items = that kind's pairs). Chance 0.5: two captions,
 * ties count as wrong.
 */
export function compositionalSamples(scores: readonly PairScore[]): MetricSamples {
  const r = compositionalProbe({ scores });
  const kinds = Object.keys(r.counts).length;
  const extra = { chance: 0.5, higherIsBetter: true };
  const out: MetricSamples = {
    overall: meanSample(Array.from(r.hits), extra),
    macro: meanSample(itemShares(Array.from(r.hits, (h, i) => h / (r.counts[scores[i].kind] * kinds))), extra),
  };
  for (const kind of Object.keys(r.counts)) {
    out[kind] = meanSample(Array.from(r.hits).filter((_, i) => scores[i].kind === kind), extra);
  }
  return out;
}

export interface CompositionalEmbeddingsInput {
  /** `[N, D]` image embeddings. */
  imageEmb: DenseInput;
  /** `[N, D]` embedding of each image's true caption. */
  positiveEmb: DenseInput;
  /** `[M, D]` embeddings of the hard-negative captions. */
  negativeEmb: DenseInput;
  /** `[M]` image row each negative belongs to. */
  negativeImage: IntInput;
  /** `[M]` swap kind of each negative. */
  negativeKind: readonly string[];
}

/** Pair scores by cosine similarity of embeddings, one per negative caption. */
export async function compositionalScores(input: CompositionalEmbeddingsInput): Promise<PairScore[]> {
  const is = shapeOf(input.imageEmb);
  const ps = shapeOf(input.positiveEmb);
  const ns = shapeOf(input.negativeEmb);
  if (is.join() !== ps.join()) throw new Error(`compositionalScores: imageEmb [${is}] and positiveEmb [${ps}] must match`);
  checkDim(is, 'imageEmb', 1, ns, 'negativeEmb', 1);
  const owner = toInts(input.negativeImage, 'compositionalScores: negativeImage');
  checkIndices(owner, 'compositionalScores: negativeImage', ns[0], is[0], 'imageEmb rows');
  if (input.negativeKind.length !== ns[0]) {
    throw new Error(`compositionalScores: negativeKind has ${input.negativeKind.length} entries, negativeEmb has ${ns[0]} rows`);
  }
  const both = await finiteOwned(tf.tidy(() => {
    const img = l2NormalizeRows(asMatrix(input.imageEmb, 'imageEmb'));
    const pos = l2NormalizeRows(asMatrix(input.positiveEmb, 'positiveEmb'));
    const neg = l2NormalizeRows(asMatrix(input.negativeEmb, 'negativeEmb'));
    const own = tf.gather(img, tf.tensor1d(owner, 'int32')); // [M, D]
    return tf.concat([img.mul(pos).sum(1), own.mul(neg).sum(1)]); // [N + M]
  }), 'compositionalScores: similarities');
  const sims = await both.data();
  both.dispose();
  const N = is[0];
  return Array.from(owner, (i, j) => ({ kind: input.negativeKind[j], positive: sims[i], negative: sims[N + j] }));
}
