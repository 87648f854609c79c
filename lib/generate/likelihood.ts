/**
 * Generative zero-shot classification: each class prompt scored by how likely the model finds the
 * image and prompt together, the best-scoring class predicted (the survey's generative classifier).
 * Caption model: log p(prompt | image), the decoder's next-token log-probabilities summed over the
 * prompt's tokens. MaskGIT model: log p(masked codes | visible codes, prompt), summed over a few fixed
 * masks of the image's token grid — how well the prompt explains the image's tokens.
 */
import * as tf from '@tensorflow/tfjs';
import { EVAL } from '../core';
import { SubwordTokenizer } from '../data';
import { MetricSamples, accuracySample, balancedAccuracySample, majorityShare } from '../eval';
import { VisionLanguageModel } from '../models';
import { imageCodes, maskgitLogits } from '../objectives';
import { Rng } from '../random';

/** `[B]` log-probabilities of the rows' codes int32 [B, N] under logits [B, N, K], summed where mask [B, N] is 1. */
function maskedCodeLogProb(logits: tf.Tensor3D, codes: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor1D {
  return tf.tidy(() => {
    const K = logits.shape[2];
    const picked = tf.logSoftmax(logits).mul(tf.oneHot(codes, K)).sum(2); // [B, N]
    return picked.mul(mask).sum(1) as tf.Tensor1D;
  });
}

/**
 * `[B]` Σ over masks of log p(masked codes | visible codes, caption) for images [B, H, W, C], ids int32
 * [B, T], attention [B, T]; masks float32 [B, N] each (1 = scored).
 */
export function maskgitLogLikelihood(model: VisionLanguageModel, images: tf.Tensor4D, ids: tf.Tensor2D, attention: tf.Tensor2D, masks: tf.Tensor2D[]): tf.Tensor1D {
  return tf.tidy(() => {
    const codes = imageCodes(model, images);
    return tf.addN(masks.map((m) => maskedCodeLogProb(maskgitLogits(model, codes, m, ids, attention, EVAL), codes, m))) as tf.Tensor1D;
  });
}

/** `[B]` log p(caption | image): the decoder's log-probability of tokens 1..T−1 of ids int32 [B, T] where attention is 1. */
export function captionLogLikelihood(model: VisionLanguageModel, images: tf.Tensor4D, ids: tf.Tensor2D, attention: tf.Tensor2D): tf.Tensor1D {
  if (!model.captionDecoder) throw new Error('captionLogLikelihood needs model.captionDecoder');
  return tf.tidy(() => {
    const [B, T] = ids.shape;
    const image = model.encodeImage(images, {}, EVAL).hidden;
    const logits = model.captionDecoder!.apply(model.text.embed(ids), image, attention, EVAL); // [B, T, V]
    const V = logits.shape[2];
    // position t predicts token t+1: [B, T−1, V] against ids[:, 1:]
    const logp = tf.logSoftmax(logits.slice([0, 0, 0], [B, T - 1, V]));
    const next = ids.slice([0, 1], [B, T - 1]);
    const real = attention.toFloat().slice([0, 1], [B, T - 1]);
    return logp.mul(tf.oneHot(next, V)).sum(2).mul(real).sum(1) as tf.Tensor1D;
  });
}

/** How an image and a batch of captions are scored: images [B, H, W, C], ids [B, T], attention [B, T] -> [B]. */
export type CaptionScorer = (images: tf.Tensor4D, ids: tf.Tensor2D, attention: tf.Tensor2D) => tf.Tensor1D;

/** The likelihood scorer of a model trained with `objective` ('caption' or 'maskgit'); maskgit's uses `masks` fixed masks at a 0.5 ratio, the same for every image and class. */
export function likelihoodScorer(model: VisionLanguageModel, objective: 'caption' | 'maskgit', masks = 4, seed = 0): CaptionScorer {
  if (objective === 'caption') return (images, ids, attention) => captionLogLikelihood(model, images, ids, attention);
  const N = model.numPatches;
  const rng = new Rng(seed);
  // random half of the grid per mask, the same row for every image (so classes and images see one protocol)
  const rows = Array.from({ length: masks }, () => {
    const pick = new Array<number>(N).fill(0);
    for (const i of rng.permutation(N).slice(0, Math.max(1, Math.round(N / 2)))) pick[i] = 1;
    return pick;
  });
  return (images, ids, attention) =>
    tf.tidy(() => {
      const B = images.shape[0];
      const fixed = rows.map((r) => tf.tensor2d([r], [1, N]).tile([B, 1]) as tf.Tensor2D);
      return maskgitLogLikelihood(model, images, ids, attention, fixed);
    });
}

export interface LikelihoodZeroShotInput {
  score: CaptionScorer;
  tokenizer: SubwordTokenizer;
  maxLen: number;
  /** Images [M, H, W, C] (read, not disposed) and their classes [M]. */
  images: tf.Tensor4D;
  labels: ArrayLike<number>;
  /** One prompt per class. */
  classPrompts: string[];
  batchSize?: number;
}

/** `[M, C]` scores and top-1 / balanced accuracy, raw and calibrated, with their chance levels (majority share; 1/C). */
export async function likelihoodZeroShot(o: LikelihoodZeroShotInput): Promise<{ scores: Float32Array; metrics: MetricSamples }> {
  const M = o.images.shape[0];
  const C = o.classPrompts.length;
  if (o.labels.length !== M) throw new Error(`likelihoodZeroShot: ${o.labels.length} labels for ${M} images`);
  const bs = o.batchSize ?? 32;
  const scores = new Float32Array(M * C);
  const enc = o.classPrompts.map((p) => o.tokenizer.encode(p, o.maxLen));
  for (let s = 0; s < M; s += bs) {
    const n = Math.min(bs, M - s);
    for (let c = 0; c < C; c++) {
      const t = tf.tidy(() => {
        const images = o.images.slice([s, 0, 0, 0], [n, ...o.images.shape.slice(1)] as [number, number, number]);
        const ids = tf.tensor2d([enc[c].ids], [1, o.maxLen], 'int32').tile([n, 1]) as tf.Tensor2D;
        const attention = tf.tensor2d([enc[c].attention], [1, o.maxLen]).tile([n, 1]) as tf.Tensor2D;
        return o.score(images, ids, attention);
      });
      const v = (await t.data()) as Float32Array;
      t.dispose();
      v.forEach((x, i) => (scores[(s + i) * C + c] = x));
    }
  }
  const correctOf = (m: Float32Array) =>
    Array.from({ length: M }, (_, i) => {
      // strict argmax: a tie with another class counts as a miss
      const row = m.subarray(i * C, (i + 1) * C);
      const y = o.labels[i];
      return row.every((v, c) => c === y || v < row[y]) ? 1 : 0;
    });
  // calibrated: each class's mean score over the scored images subtracted, i.e. log p(prompt | image)
  // against the prompt's average likelihood (removes the prior of short, frequent prompts; transductive)
  const means = new Float64Array(C);
  scores.forEach((v, k) => (means[k % C] += v / M));
  const calibrated = scores.map((v, k) => v - means[k % C]);
  const chance = majorityShare(o.labels, C);
  const raw = correctOf(scores);
  const cal = correctOf(calibrated);
  return {
    scores,
    metrics: {
      top1: accuracySample(raw, chance),
      balanced: balancedAccuracySample(raw, o.labels, C, 1 / C),
      top1_calibrated: accuracySample(cal, chance),
      balanced_calibrated: balancedAccuracySample(cal, o.labels, C, 1 / C),
    },
  };
}
