/**
 * Captioning through a trained model: captions of images (greedy or beam search, lib/caption),
 * the perplexity of reference captions (given the image when the model conditions on one), and the
 * captioning metrics of an eval split next to their baselines: BLEU-4 and CIDEr-D against the
 * nearest-caption baseline (the caption of the nearest training image by pixels), perplexity
 * against a unigram model of the training captions.
 */
import * as tf from '@tensorflow/tfjs';
import { BeamOptions, NextLogProbs, beamDecode, greedyDecode } from '../caption';
import { EVAL } from '../core';
import { Dataset, SubwordTokenizer } from '../data';
import { MetricSamples, ciderD, corpusBleu, nearestRows } from '../eval';
import { VisionLanguageModel } from '../models';
import { imageBatch } from './embed';

export interface CaptionSearch {
  /** 1 = greedy (default); more = beam search with that many beams. */
  beam?: number;
  /** Beam score Σ log p / length^lengthPenalty (default 0). */
  lengthPenalty?: number;
}

/** Images captioned per forward batch (beam search multiplies the rows by the beam size). */
const CHUNK = 64;

/** The next-token scorer of `model` for `images` [n, H, W, C]: the image side runs once; the caller disposes `context`. */
function scorerFor(model: VisionLanguageModel, images: tf.Tensor4D): { next: NextLogProbs; context: tf.Tensor3D | null } {
  const context = model.captioner === 'lm' ? null : tf.tidy(() => model.captionContext(images, EVAL) as tf.Tensor3D);
  const next: NextLogProbs = async (sources, ids) => {
    const T = ids[0].length;
    const logProbs = tf.tidy(() => {
      const rows = context ? (tf.gather(context, tf.tensor1d(sources, 'int32')) as tf.Tensor3D) : null;
      const idsT = tf.tensor2d(ids, [ids.length, T], 'int32');
      const logits = model.captionLogits(rows, idsT, tf.onesLike(idsT).toFloat() as tf.Tensor2D, EVAL); // [R, T, V]
      const [R, , V] = logits.shape;
      return tf.logSoftmax(logits.slice([0, T - 1, 0], [R, 1, V]).reshape([R, V])); // the next token after the last one
    });
    const data = (await logProbs.data()) as Float32Array;
    const V = logProbs.shape[1]!;
    logProbs.dispose();
    return ids.map((_, r) => data.subarray(r * V, (r + 1) * V));
  };
  return { next, context };
}

/** Captions of dataset items `indices` (all by default). */
export async function generateCaptions(
  model: VisionLanguageModel, tokenizer: SubwordTokenizer, dataset: Dataset, maxLen: number, search: CaptionSearch = {}, indices?: number[],
): Promise<string[]> {
  const items = indices ?? Array.from({ length: dataset.size }, (_, i) => i);
  const options: BeamOptions = {
    bos: tokenizer.clsId,
    eos: tokenizer.sepId,
    maxLen,
    banned: [tokenizer.padId, tokenizer.clsId, tokenizer.maskId, tokenizer.unkId],
    beamSize: search.beam ?? 1,
    lengthPenalty: search.lengthPenalty,
  };
  const out: string[] = [];
  for (let start = 0; start < items.length; start += CHUNK) {
    const part = items.slice(start, start + CHUNK);
    const images = tf.tidy(() => tf.concat(part.map((i) => imageBatch(dataset, i, i + 1))) as tf.Tensor4D);
    const { next, context } = scorerFor(model, images);
    try {
      const ids = options.beamSize > 1 ? await beamDecode(part.length, next, options) : await greedyDecode(part.length, next, options);
      out.push(...ids.map((row) => tokenizer.decode(row)));
    } finally {
      tf.dispose([images, ...(context ? [context] : [])]);
    }
  }
  return out;
}

/** Every caption of every item with its item, in order. */
function referenceCaptions(dataset: Dataset): { captions: string[]; owner: number[] } {
  const captions: string[] = [];
  const owner: number[] = [];
  for (let i = 0; i < dataset.size; i++) for (const c of dataset.meta(i).captions) (captions.push(c), owner.push(i));
  return { captions, owner };
}

/** Negative log-likelihood (nats) and predicted-token count of every reference caption of `dataset` under `model`. */
export async function captionLikelihood(model: VisionLanguageModel, tokenizer: SubwordTokenizer, dataset: Dataset, maxLen: number): Promise<{ nll: number; tokens: number }> {
  const { captions, owner } = referenceCaptions(dataset);
  let nll = 0;
  let tokens = 0;
  for (let start = 0; start < dataset.size; start += CHUNK) {
    const end = Math.min(dataset.size, start + CHUNK);
    const rows = owner.map((o, j) => ({ o, j })).filter(({ o }) => o >= start && o < end);
    const enc = rows.map(({ j }) => tokenizer.encode(captions[j], maxLen));
    const sums = tf.tidy(() => {
      const context = model.captionContext(imageBatch(dataset, start, end), EVAL);
      const picked = context ? (tf.gather(context, tf.tensor1d(rows.map(({ o }) => o - start), 'int32')) as tf.Tensor3D) : null;
      const ids = tf.tensor2d(enc.map((e) => e.ids), [enc.length, maxLen], 'int32');
      const logits = model.captionLogits(picked, ids, tf.tensor2d(enc.map((e) => e.attention), [enc.length, maxLen]), EVAL);
      const V = logits.shape[2];
      // position t predicts token t+1; padding targets count nowhere
      const targets = ids.slice([0, 1], [enc.length, maxLen - 1]);
      const keep = targets.notEqual(tokenizer.padId).toFloat();
      const logp = tf.logSoftmax(logits.slice([0, 0, 0], [enc.length, maxLen - 1, V]));
      const picked2 = logp.mul(tf.oneHot(targets, V)).sum(2); // [M, T-1]
      return tf.stack([picked2.mul(keep).sum().neg(), keep.sum()]);
    });
    const [n, k] = await sums.data();
    sums.dispose();
    nll += n;
    tokens += k;
  }
  if (tokens === 0) throw new Error(`captionLikelihood: ${dataset.name} has no caption token to score`);
  return { nll, tokens };
}

/** Perplexity of `test`'s captions under an add-one unigram model of `train`'s caption tokens (the baseline). */
export function unigramPerplexity(tokenizer: SubwordTokenizer, train: Dataset, test: Dataset, maxLen: number): number {
  const counts = new Float64Array(tokenizer.vocabSize).fill(1);
  const targets = (d: Dataset) => referenceCaptions(d).captions.flatMap((c) => tokenizer.encode(c, maxLen).ids.slice(1).filter((id) => id !== tokenizer.padId));
  let total = counts.length;
  for (const id of targets(train)) (counts[id]++, total++);
  const test_ = targets(test);
  const nll = test_.reduce((s, id) => s - Math.log(counts[id] / total), 0);
  return Math.exp(nll / test_.length);
}

/** Flattened training images [M, S·S·C] (the pixels the nearest-caption baseline compares). */
function pixelRows(dataset: Dataset): { data: Float32Array; shape: number[] } {
  const P = dataset.imageSize * dataset.imageSize * 3;
  const data = new Float32Array(dataset.size * P);
  for (let i = 0; i < dataset.size; i++) data.set(dataset.get(i).image, i * P);
  return { data, shape: [dataset.size, P] };
}

/** The nearest-caption baseline's captions for every item of `test`: the first caption of the nearest training image by pixels. */
export async function nearestCaptions(train: Dataset, test: Dataset): Promise<string[]> {
  const nearest = await nearestRows(pixelRows(test), pixelRows(train));
  return nearest.map((j) => train.meta(j).captions[0]);
}

export interface CaptionEvalOptions {
  model: VisionLanguageModel;
  tokenizer: SubwordTokenizer;
  maxLen: number;
  dataset: Dataset;
  /** The training split: the nearest-caption and unigram baselines (left out without it). */
  train?: Dataset;
  search?: CaptionSearch;
}

/** `bleu4`, `cider` (chance = the nearest-caption baseline), `ppl` (chance = unigram), and the baselines' own values. */
export async function captionMetrics(o: CaptionEvalOptions): Promise<MetricSamples> {
  const refs = Array.from({ length: o.dataset.size }, (_, i) => o.dataset.meta(i).captions);
  const generated = await generateCaptions(o.model, o.tokenizer, o.dataset, o.maxLen, o.search);
  const cider = ciderD(generated, refs);
  const { nll, tokens } = await captionLikelihood(o.model, o.tokenizer, o.dataset, o.maxLen);
  const out: MetricSamples = {
    bleu4: { value: corpusBleu(generated, refs), higherIsBetter: true },
    cider: { value: cider.score, items: cider.perItem, higherIsBetter: true },
    ppl: { value: Math.exp(nll / tokens), higherIsBetter: false },
  };
  if (o.train) {
    const baseline = await nearestCaptions(o.train, o.dataset);
    const nearestCider = ciderD(baseline, refs);
    out.nearest_bleu4 = { value: corpusBleu(baseline, refs), higherIsBetter: true };
    out.nearest_cider = { value: nearestCider.score, items: nearestCider.perItem, higherIsBetter: true };
    out.unigram_ppl = { value: unigramPerplexity(o.tokenizer, o.train, o.dataset, o.maxLen), higherIsBetter: false };
    out.bleu4.chance = out.nearest_bleu4.value;
    out.cider.chance = out.nearest_cider.value;
    out.ppl.chance = out.unigram_ppl.value;
  }
  return out;
}
