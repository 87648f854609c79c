/**
 * The adapter from a trained model to the evaluators, one protocol for every arm. Per eval split:
 * retrieval, zero-shot, compositional probe and diagnostics in the model's own joint space (only when
 * its objectives train one), the same three on an alignment probe (fresh projections fitted with the
 * CLIP loss on frozen features; every arm), reconstruction with fixed masks (masked objectives); and
 * a linear probe on the first split. Metric names: `<group>/<split>/<leaf>` (the report's order).
 */
import * as tf from '@tensorflow/tfjs';
import { Dataset, SubwordTokenizer } from '../data';
import {
  AlignmentProbe,
  EvalContext,
  Evaluator,
  MetricSamples,
  PROMPT_TEMPLATES,
  TemplateKind,
  compositionalEvaluator,
  compositionalScores,
  diagnosticsEvaluator,
  fitAlignmentProbe,
  linearProbeEvaluator,
  retrievalEvaluator,
  zeroShotEvaluator,
} from '../eval';
import { VisionLanguageModel } from '../models';
import { ObjectiveMix } from '../objectives';
import { Rng } from '../random';
import { HostMatrix, captionFeatures, embedImages } from './embed';
import { EVAL_SEED } from './eval_masks';
import { reconstructionMetrics } from './reconstruct_eval';
import { captionMetrics } from './caption_eval';

export interface EvalSplit {
  /** Metric prefix, e.g. 'in' (in-style test split) or 'cross' (another style). */
  name: string;
  dataset: Dataset;
}

/** Groups of metrics `evaluateModel` can run; `aligned` is aligned_retrieval, aligned_zeroshot and aligned_compositional. */
export type EvalGroup = 'retrieval' | 'zeroshot' | 'compositional' | 'diag' | 'probe' | 'aligned' | 'recon' | 'caption';
export const EVAL_GROUPS: readonly EvalGroup[] = ['retrieval', 'zeroshot', 'compositional', 'diag', 'probe', 'aligned', 'recon', 'caption'];
/** The subset for evaluations during training: the headline metrics, no probe training, no reconstruction. */
export const FAST_EVAL_GROUPS: readonly EvalGroup[] = ['retrieval', 'zeroshot', 'aligned'];

export interface EvaluateOptions {
  model: VisionLanguageModel;
  tokenizer: SubwordTokenizer;
  maxLen: number;
  splits: EvalSplit[];
  /**
   * The arm's objectives: whether they train the joint space (else retrieval/zeroshot/compositional/
   * diag in the model's own space are left out: untrained projections score chance by construction)
   * and which reconstruct. Without them the joint space is taken as trained and nothing reconstructed.
   */
  objectives?: ObjectiveMix;
  /**
   * The training split the linear probe (a fifth held out for validation) and the alignment probe
   * are fitted on: the first `maxTrain` items (default 1000) of a fixed shuffle, the same for every arm.
   */
  probe?: { train: Dataset; maxTrain?: number; steps?: number };
  /** Alignment probe budget (defaults: 200 CLIP steps of 128 pairs, Adam lr 0.01). */
  align?: { steps?: number; batchSize?: number; lr?: number };
  /** Groups to run (default all: EVAL_GROUPS). */
  groups?: readonly EvalGroup[];
  /** First items of each split scored for reconstruction (default all). */
  reconstructionItems?: number;
  /** Seeds the alignment probe's fresh projections (default 0). Masks and subsets never depend on it. */
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

/** Embeds texts into one space: the model's own, or an alignment probe's. */
type TextEmbedder = (texts: string[]) => Promise<HostMatrix>;

/** Caption probe features and own-space embeddings, each distinct text through the text tower once per evaluation. */
class TextTable {
  private readonly rows = new Map<string, { features: Float32Array; emb?: Float32Array }>();

  constructor(private readonly o: EvaluateOptions, private readonly joint: boolean) {}

  /** `[texts.length, D]` rows of `which` for `texts`. */
  async get(texts: string[], which: 'features' | 'emb'): Promise<HostMatrix> {
    const missing = [...new Set(texts.filter((t) => !this.rows.has(t)))];
    if (missing.length) {
      const { features, emb } = await captionFeatures(this.o.model, this.o.tokenizer, missing, this.o.maxLen, this.joint);
      const row = (m: HostMatrix, i: number) => m.data.slice(i * m.shape[1], (i + 1) * m.shape[1]);
      missing.forEach((t, i) => this.rows.set(t, { features: row(features, i), emb: emb && row(emb, i) }));
    }
    const picked = texts.map((t) => this.rows.get(t)![which]!);
    const cols = picked[0]?.length ?? 0;
    const data = new Float32Array(texts.length * cols);
    picked.forEach((r, i) => data.set(r, i * cols));
    return { data, shape: [texts.length, cols] };
  }
}

/** Image–true caption vs image–hard negative pairs of `shapes`-like datasets (undefined elsewhere). */
async function compositional(dataset: Dataset, imageEmb: HostMatrix, embed: TextEmbedder): Promise<EvalContext['compositional']> {
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
  return compositionalScores({ imageEmb, positiveEmb: await embed(positives), negativeEmb: await embed(negatives), negativeImage, negativeKind });
}

/** The joint-space evaluators of one split in one space; `prefix` '' or 'aligned_'. */
async function jointMetrics(
  split: EvalSplit, imageEmb: HostMatrix, embed: TextEmbedder, evaluators: Evaluator[], prefix: string,
): Promise<MetricSamples> {
  const { dataset } = split;
  const names = new Set(evaluators.map((e) => e.name));
  const { captions, owner } = allCaptions(dataset);
  const needsCaptions = names.has('retrieval') || names.has('diag');
  const textEmb = needsCaptions ? await embed(captions) : undefined;
  const labels = labelsOf(dataset);
  const ctx: EvalContext = {
    imageEmb,
    textEmb,
    textToImage: owner,
    labels,
    classNames: labels ? dataset.classNames : undefined,
    templates: PROMPT_TEMPLATES[templateKind(dataset.name)],
    encodeText: embed,
    compositional: names.has('compositional') ? await compositional(dataset, imageEmb, embed) : undefined,
  };
  const out: MetricSamples = {};
  for (const e of evaluators) {
    let c = ctx;
    if (e.name === 'diag') {
      // diagnostics need paired rows: each image with its first caption
      const first = owner.map((img, j) => (j === 0 || owner[j - 1] !== img ? j : -1)).filter((j) => j >= 0);
      c = { imageEmb, textEmb: pickRows(textEmb!, first) };
    }
    if (!e.appliesTo(c)) continue;
    for (const [leaf, s] of Object.entries(await e.run(c))) out[`${prefix}${e.name}/${split.name}/${leaf}`] = s;
  }
  return out;
}

/** A fixed subset of the train split (the same for every arm and seed). */
function probeSubset(o: EvaluateOptions): Dataset {
  const order = new Rng(EVAL_SEED).fork('probe-subset').permutation(o.probe!.train.size).slice(0, o.probe!.maxTrain ?? 1000);
  return subset(o.probe!.train, order);
}

/** The alignment probe fitted on the train subset's frozen features. */
async function alignmentProbe(o: EvaluateOptions, train: Dataset, trainImages: HostMatrix): Promise<AlignmentProbe> {
  const { captions, owner } = allCaptions(train);
  return fitAlignmentProbe({
    imageX: trainImages,
    textX: (await captionFeatures(o.model, o.tokenizer, captions, o.maxLen)).features,
    textToImage: owner,
    embedDim: o.model.cfg.embedDim,
    steps: o.align?.steps,
    batchSize: o.align?.batchSize,
    lr: o.align?.lr,
    seed: o.seed ?? 0,
  });
}

/** A host matrix of an owned tensor (disposed). */
async function toHost(t: tf.Tensor2D): Promise<HostMatrix> {
  try {
    return { data: (await t.data()) as Float32Array, shape: t.shape as [number, number] };
  } finally {
    t.dispose();
  }
}

/** Run the requested groups on each split; one flat record of samples. */
export async function evaluateModel(o: EvaluateOptions): Promise<MetricSamples> {
  const groups = new Set(o.groups ?? EVAL_GROUPS);
  for (const g of groups) if (!EVAL_GROUPS.includes(g)) throw new Error(`evaluateModel: unknown group '${g}' (known: ${EVAL_GROUPS.join(', ')})`);
  const joint = o.objectives?.trainsJointSpace ?? true;
  const jointEvaluators = [zeroShotEvaluator, retrievalEvaluator, compositionalEvaluator, diagnosticsEvaluator].filter((e) => joint && groups.has(e.name as EvalGroup));
  const alignedEvaluators = groups.has('aligned') ? [zeroShotEvaluator, retrievalEvaluator, compositionalEvaluator] : [];
  const train = o.probe && (groups.has('probe') || alignedEvaluators.length) ? probeSubset(o) : undefined;
  const trainImages = train ? (await embedImages(o.model, train, false)).features : undefined;
  const aligned = alignedEvaluators.length && train ? await alignmentProbe(o, train, trainImages!) : undefined;
  const metrics: MetricSamples = {};
  const texts = new TextTable(o, jointEvaluators.length > 0);
  let firstFeatures: HostMatrix | undefined;
  try {
    for (const split of o.splits) {
      const { emb, features } = await embedImages(o.model, split.dataset, jointEvaluators.length > 0);
      firstFeatures ??= features;
      if (emb) {
        const own: TextEmbedder = (t) => texts.get(t, 'emb');
        Object.assign(metrics, await jointMetrics(split, emb, own, jointEvaluators, ''));
      }
      if (aligned) {
        const viaProbe: TextEmbedder = async (t) => toHost(aligned.embedTexts(await texts.get(t, 'features')));
        Object.assign(metrics, await jointMetrics(split, await toHost(aligned.embedImages(features)), viaProbe, alignedEvaluators, 'aligned_'));
      }
      if (groups.has('recon') && o.objectives) {
        const r = await reconstructionMetrics({
          model: o.model, tokenizer: o.tokenizer, maxLen: o.maxLen, objectives: o.objectives, dataset: split.dataset, items: o.reconstructionItems,
        });
        for (const [leaf, s] of Object.entries(r)) metrics[`recon/${split.name}/${leaf}`] = s;
      }
      // models that caption (a frozen-LM bridge, the CoCa decoder, or the LM alone)
      if (groups.has('caption') && o.model.captioner) {
        const r = await captionMetrics({ model: o.model, tokenizer: o.tokenizer, maxLen: o.maxLen, dataset: split.dataset, train: o.probe?.train });
        for (const [leaf, s] of Object.entries(r)) metrics[`caption/${split.name}/${leaf}`] = s;
      }
    }
  } finally {
    aligned?.dispose();
  }
  if (groups.has('probe') && train && firstFeatures) Object.assign(metrics, await probeMetrics(o, train, trainImages!, firstFeatures));
  return metrics;
}

/** Linear probe on the probe feature: train/val from the train subset (its first fifth validates), test = the first eval split. */
async function probeMetrics(o: EvaluateOptions, train: Dataset, trainX: HostMatrix, testX: HostMatrix): Promise<MetricSamples> {
  const test = o.splits[0].dataset;
  const trainLabels = labelsOf(train);
  const testLabels = labelsOf(test);
  if (!trainLabels || !testLabels || !test.classNames) return {};
  const nVal = Math.max(1, Math.floor(train.size / 5));
  const rows = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
  const valRows = rows(0, nVal);
  const trainRows = rows(nVal, train.size);
  const r = await linearProbeEvaluator.run({
    probe: {
      trainX: pickRows(trainX, trainRows),
      trainY: trainRows.map((i) => trainLabels[i]),
      valX: pickRows(trainX, valRows),
      valY: valRows.map((i) => trainLabels[i]),
      testX,
      testY: testLabels,
      numClasses: test.classNames.length,
      steps: o.probe!.steps ?? 150,
    },
  });
  return Object.fromEntries(Object.entries(r).map(([leaf, s]) => [`probe/${o.splits[0].name}/${leaf}`, s]));
}

/** A view of `dataset` restricted to `indices`. */
export function subset(dataset: Dataset, indices: number[]): Dataset {
  return { ...dataset, size: indices.length, get: (i) => dataset.get(indices[i]), meta: (i) => dataset.meta(indices[i]) };
}
