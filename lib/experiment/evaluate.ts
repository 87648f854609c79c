/**
 * The adapter from a trained model to the evaluators: embed a split's images and captions, then
 * run zero-shot, retrieval, diagnostics, the compositional probe (shapes), reconstruction (masked
 * objectives) and the linear probe. Metric names: `<evaluator>/<split>/<metric>` (the report's order).
 */
import * as tf from '@tensorflow/tfjs';
import { EVAL } from '../core';
import { Dataset, SubwordTokenizer, disposeBatch, Batcher } from '../data';
import {
  EvalContext,
  PROMPT_TEMPLATES,
  PixelStats,
  TemplateKind,
  TokenStats,
  combinePixelStats,
  combineTokenStats,
  compositionalScores,
  linearProbe,
  pixelReconstruction,
  runEvaluators,
  tokenAccuracy,
} from '../eval';
import { VisionLanguageModel } from '../models';
import { ObjectiveMix, disposeReconstructions } from '../objectives';
import { Rng } from '../random';
import { HostMatrix, embedCaptions, embedImages } from './embed';
import { toTrainBatch } from './setup';

export interface EvalSplit {
  /** Metric prefix, e.g. 'in' (in-style test split) or 'cross' (another style). */
  name: string;
  dataset: Dataset;
}

export interface EvaluateOptions {
  model: VisionLanguageModel;
  tokenizer: SubwordTokenizer;
  maxLen: number;
  splits: EvalSplit[];
  /** For reconstruction metrics of masked objectives. */
  objectives?: ObjectiveMix;
  /** Linear probe on frozen image features: train features from `train` (a validation fifth held out). */
  probe?: { train: Dataset; maxTrain?: number; steps?: number };
  /** Batches of each split scored for reconstruction (default 4). */
  reconstructionBatches?: number;
  seed?: number;
}

/** Prompt templates for a dataset spec. */
export function templateKind(spec: string): TemplateKind {
  if (spec.startsWith('emoji')) return 'emoji';
  if (spec.startsWith('shapes')) return 'shapes';
  if (spec.startsWith('mnist')) return 'mnist';
  return 'generic';
}

/** Every caption of every item, with the item each belongs to. */
function allCaptions(dataset: Dataset): { captions: string[]; owner: number[] } {
  const captions: string[] = [];
  const owner: number[] = [];
  for (let i = 0; i < dataset.size; i++) {
    for (const c of dataset.meta(i).captions) {
      captions.push(c);
      owner.push(i);
    }
  }
  return { captions, owner };
}

function labelsOf(dataset: Dataset): Int32Array | undefined {
  if (!dataset.classNames) return undefined;
  const labels = new Int32Array(dataset.size);
  for (let i = 0; i < dataset.size; i++) {
    const l = dataset.meta(i).label;
    if (l === undefined) return undefined;
    labels[i] = l;
  }
  return labels;
}

/** Rows `rows` of a host matrix. */
function pickRows(m: HostMatrix, rows: number[]): HostMatrix {
  const cols = m.shape[1];
  const data = new Float32Array(rows.length * cols);
  rows.forEach((r, i) => data.set(m.data.subarray(r * cols, (r + 1) * cols), i * cols));
  return { data, shape: [rows.length, cols] };
}

async function compositional(o: EvaluateOptions, dataset: Dataset, imageEmb: HostMatrix): Promise<EvalContext['compositional']> {
  const positives: string[] = [];
  const negatives: string[] = [];
  const negativeImage: number[] = [];
  const negativeKind: string[] = [];
  for (let i = 0; i < dataset.size; i++) {
    const meta = dataset.meta(i);
    if (!meta.negatives?.length) return undefined;
    positives.push(meta.captions[0]);
    for (const n of meta.negatives.filter((n) => n.captionIndex === 0)) {
      negatives.push(n.caption);
      negativeImage.push(i);
      negativeKind.push(n.kind);
    }
  }
  const positiveEmb = await embedCaptions(o.model, o.tokenizer, positives, o.maxLen);
  const negativeEmb = await embedCaptions(o.model, o.tokenizer, negatives, o.maxLen);
  return compositionalScores({ imageEmb, positiveEmb, negativeEmb, negativeImage, negativeKind });
}

/** Reconstruction metrics of each masked objective on the first batches of a split. */
async function reconstruction(o: EvaluateOptions, dataset: Dataset): Promise<Record<string, number>> {
  if (!o.objectives?.parts.some((p) => p.objective.reconstruct)) return {};
  const batcher = new Batcher({ dataset, tokenizer: o.tokenizer, batchSize: 64, maxLen: o.maxLen, seed: o.seed ?? 0, shuffle: false, captionChoice: 'first' });
  const pixels: PixelStats[] = [];
  const tokens: Record<string, TokenStats[]> = {};
  for (let b = 0; b < Math.min(o.reconstructionBatches ?? 4, batcher.numBatches); b++) {
    const batch = toTrainBatch(batcher.batch(0, b));
    const all = o.objectives.reconstruct({ model: o.model, batch, rng: new Rng((o.seed ?? 0) + b), ctx: EVAL });
    for (const r of Object.values(all)) {
      if (r.pixels) pixels.push(await pixelReconstruction(r.pixels));
      for (const [kind, t] of Object.entries(r.tokens ?? {})) {
        const labelled = (await t.labels.data()).some((v) => v !== -100);
        if (labelled) (tokens[`${kind}_acc`] ??= []).push(await tokenAccuracy(t));
      }
    }
    disposeReconstructions(all);
    disposeBatch(batch.source);
  }
  const out: Record<string, number> = {};
  if (pixels.length) {
    const s = combinePixelStats(pixels);
    out.mse = s.mse;
    out.psnr = s.psnr;
  }
  for (const [name, stats] of Object.entries(tokens)) out[name] = combineTokenStats(stats).accuracy;
  return out;
}

/** Run every evaluator that applies to each split; one flat record. */
export async function evaluateModel(o: EvaluateOptions): Promise<Record<string, number>> {
  const metrics: Record<string, number> = {};
  let firstFeatures: HostMatrix | null = null;
  for (const split of o.splits) {
    const { dataset } = split;
    const { emb: imageEmb, features } = await embedImages(o.model, dataset);
    firstFeatures ??= features; // the probe's test features: the first split, embedded once
    const { captions, owner } = allCaptions(dataset);
    const textEmb = await embedCaptions(o.model, o.tokenizer, captions, o.maxLen);
    const firstCaption = owner.map((img, j) => (j === 0 || owner[j - 1] !== img ? j : -1)).filter((j) => j >= 0);
    const labels = labelsOf(dataset);
    const ctx: EvalContext = {
      imageEmb,
      textEmb,
      textToImage: owner,
      labels,
      classNames: labels ? dataset.classNames : undefined,
      templates: PROMPT_TEMPLATES[templateKind(dataset.name)],
      encodeText: async (texts) => embedCaptions(o.model, o.tokenizer, texts, o.maxLen),
      compositional: await compositional(o, dataset, imageEmb),
    };
    const add = (record: Record<string, number>, keep: (group: string) => boolean = () => true) => {
      for (const [k, v] of Object.entries(record)) {
        const [group, ...leaf] = k.split('/');
        if (keep(group)) metrics[`${group}/${split.name}/${leaf.join('/')}`] = v;
      }
    };
    // diagnostics need paired rows (each image with its first caption): computed separately below
    add(await runEvaluators(ctx), (group) => group !== 'diag');
    add(await runEvaluators({ imageEmb, textEmb: pickRows(textEmb, firstCaption) }), (group) => group === 'diag');
    add(Object.fromEntries(Object.entries(await reconstruction(o, dataset)).map(([k, v]) => [`recon/${k}`, v])));
  }
  if (o.probe && firstFeatures) Object.assign(metrics, await probeMetrics(o, firstFeatures));
  return metrics;
}

/** Linear probe on the image tower's pooled features: train/val from the training split, test = first eval split. */
async function probeMetrics(o: EvaluateOptions, testX: HostMatrix): Promise<Record<string, number>> {
  const test = o.splits[0].dataset;
  const trainLabels = labelsOf(o.probe!.train);
  const testLabels = labelsOf(test);
  if (!trainLabels || !testLabels || !test.classNames) return {};
  const rng = new Rng(o.seed ?? 0);
  const order = rng.permutation(o.probe!.train.size).slice(0, o.probe!.maxTrain ?? 1000);
  const { features: trainAll } = await embedImages(o.model, subset(o.probe!.train, order));
  const nVal = Math.max(1, Math.floor(order.length / 5));
  const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  const valRows = rows(0, nVal);
  const trainRows = rows(nVal, order.length);
  const r = await linearProbe({
    trainX: pickRows(trainAll, trainRows),
    trainY: trainRows.map((i) => trainLabels[order[i]]),
    valX: pickRows(trainAll, valRows),
    valY: valRows.map((i) => trainLabels[order[i]]),
    testX,
    testY: testLabels,
    numClasses: test.classNames.length,
    steps: o.probe!.steps ?? 150,
    seed: o.seed ?? 0,
  });
  return { [`probe/${o.splits[0].name}/acc`]: r.testAccuracy, [`probe/${o.splits[0].name}/l2`]: r.l2 };
}

/** A view of `dataset` restricted to `indices`. */
export function subset(dataset: Dataset, indices: number[]): Dataset {
  return { ...dataset, size: indices.length, get: (i) => dataset.get(indices[i]), meta: (i) => dataset.meta(indices[i]) };
}
