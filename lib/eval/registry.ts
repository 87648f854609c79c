/**
 * Evaluators as plug-ins (big_vision style). An `Evaluator` looks at an `EvalContext` — whatever
 * a model produced for one split — says whether it applies, and returns named numbers.
 * `runEvaluators` runs every applicable one and returns one flat record, `<name>/<metric>`.
 *
 * The adapter from a trained model to an `EvalContext` lives outside lib/eval: it embeds the split,
 * fills in what the model can give, and leaves the rest undefined.
 */
import { DenseInput, IntInput, toInts } from './inputs';
import { zeroShot, TextEncoderFn } from './zero_shot';
import { retrieval, retrievalSamples } from './retrieval';
import { linearProbe, LinearProbeInput } from './linear_probe';
import {
  PixelReconstructionInput, TokenAccuracyInput, pixelReconstructionPerImage, pixelSamples, tokenAccuracyPerRow, tokenSample,
} from './reconstruction';
import { PairScore, compositionalSamples } from './compositional';
import { accuracySample, balancedAccuracySample, classCounts, majorityShare } from './classification';
import { MetricSamples } from './sample';
import { diagnostics } from './diagnostics';

/** Everything an evaluator may use; every field is optional. Shapes per split of N images, M captions. */
export interface EvalContext {
  /** `[N, D]` image embeddings (joint space for zero-shot/retrieval/diagnostics). */
  imageEmb?: DenseInput;
  /** `[M, D]` caption embeddings in the same space. */
  textEmb?: DenseInput;
  /** `[M]` image row of each caption (default identity when M = N). */
  textToImage?: IntInput;
  /** `[N]` class of each image (zero-shot). */
  labels?: IntInput;
  /** `[C]` class names (zero-shot with `encodeText`). */
  classNames?: readonly string[];
  /** `[K]` prompt templates with `{}` (see PROMPT_TEMPLATES). */
  templates?: readonly string[];
  /** Embeds texts into the joint space, `[texts.length, D]` (zero-shot). */
  encodeText?: TextEncoderFn;
  /** `[C, K, D]` or `[C, D]` precomputed class text embeddings (zero-shot; wins over encodeText). */
  classTextEmb?: DenseInput;
  /** Frozen features and labels of three splits (linear probe); λ grid etc. optional. */
  probe?: LinearProbeInput;
  /** Masked pixel predictions, one entry per batch (pixel MIM). */
  pixels?: readonly PixelReconstructionInput[];
  /** Token predictions or logits and labels (-100 ignored), one entry per batch (MLM / token MIM). */
  tokens?: readonly TokenAccuracyInput[];
  /** Image–true-caption vs image–hard-negative scores on `shapes` (see compositionalScores). */
  compositional?: readonly PairScore[];
}

export interface Evaluator {
  /** Metric prefix, e.g. 'zeroshot' → 'zeroshot/top1'. */
  name: string;
  appliesTo(ctx: EvalContext): boolean;
  /** Metrics without the prefix. */
  run(ctx: EvalContext): Promise<MetricSamples>;
}

export const zeroShotEvaluator: Evaluator = {
  name: 'zeroshot',
  appliesTo: (ctx) =>
    ctx.imageEmb != null && ctx.labels != null &&
    (ctx.classTextEmb != null || (ctx.classNames != null && ctx.templates != null && ctx.encodeText != null)),
  async run(ctx) {
    const r = await zeroShot({
      imageEmb: ctx.imageEmb!, labels: ctx.labels!, classTextEmb: ctx.classTextEmb,
      classNames: ctx.classNames, templates: ctx.templates, encodeText: ctx.encodeText,
    });
    const labels = toInts(ctx.labels!, 'zeroshot: labels');
    const C = r.perClassRecall.length;
    return {
      top1: accuracySample(r.correct, majorityShare(labels, C)),
      top5: accuracySample(r.topKCorrect, majorityShare(labels, C, r.k)),
      balanced_acc: balancedAccuracySample(r.correct, labels, C, 1 / C),
    };
  },
};

export const retrievalEvaluator: Evaluator = {
  name: 'retrieval',
  appliesTo: (ctx) => ctx.imageEmb != null && ctx.textEmb != null,
  async run(ctx) {
    return retrievalSamples(await retrieval({ imageEmb: ctx.imageEmb!, textEmb: ctx.textEmb!, textToImage: ctx.textToImage }));
  },
};

export const linearProbeEvaluator: Evaluator = {
  name: 'probe',
  appliesTo: (ctx) => ctx.probe != null,
  async run(ctx) {
    const p = ctx.probe!;
    const r = await linearProbe(p);
    const testY = toInts(p.testY, 'probe: testY');
    const present = classCounts(testY, p.numClasses).filter((n) => n > 0).length;
    return {
      // the majority-class baseline: always answer the training split's most frequent class
      acc: accuracySample(r.testCorrect, majorityShare(testY, p.numClasses, 1, toInts(p.trainY, 'probe: trainY'))),
      balanced_acc: balancedAccuracySample(r.testCorrect, testY, p.numClasses, 1 / present),
      val_acc: { value: r.valAccuracy, higherIsBetter: true },
      l2: { value: r.l2 },
    };
  },
};

export const reconstructionEvaluator: Evaluator = {
  name: 'recon',
  appliesTo: (ctx) => (ctx.pixels?.length ?? 0) > 0 || (ctx.tokens?.length ?? 0) > 0,
  async run(ctx) {
    const out: MetricSamples = {};
    if (ctx.pixels?.length) {
      const parts = [];
      for (const batch of ctx.pixels) parts.push(await pixelReconstructionPerImage(batch));
      Object.assign(out, pixelSamples(parts));
    }
    if (ctx.tokens?.length) {
      const parts = [];
      for (const batch of ctx.tokens) parts.push(await tokenAccuracyPerRow(batch));
      out.token_acc = tokenSample(parts);
    }
    return out;
  },
};

export const compositionalEvaluator: Evaluator = {
  name: 'compositional',
  appliesTo: (ctx) => (ctx.compositional?.length ?? 0) > 0,
  async run(ctx) {
    return compositionalSamples(ctx.compositional!);
  },
};

/** Diagnostics are properties of the whole embedding set, not means over items: values only. */
export const diagnosticsEvaluator: Evaluator = {
  name: 'diag',
  appliesTo: (ctx) => ctx.imageEmb != null && ctx.textEmb != null,
  async run(ctx) {
    const r = await diagnostics({ imageEmb: ctx.imageEmb!, textEmb: ctx.textEmb!, textToImage: ctx.textToImage });
    return {
      alignment: { value: r.alignment, higherIsBetter: false },
      uniformity_image: { value: r.uniformityImage, higherIsBetter: false },
      uniformity_text: { value: r.uniformityText, higherIsBetter: false },
      modality_gap: { value: r.modalityGap },
      erank_image: { value: r.effectiveRankImage, higherIsBetter: true },
      erank_text: { value: r.effectiveRankText, higherIsBetter: true },
    };
  },
};

/** Every built-in evaluator, in report order. */
export const DEFAULT_EVALUATORS: readonly Evaluator[] = [
  zeroShotEvaluator, retrievalEvaluator, linearProbeEvaluator, reconstructionEvaluator, compositionalEvaluator, diagnosticsEvaluator,
];

export interface RunEvaluatorsOptions {
  /** Prepended to every key, e.g. 'test/' → 'test/zeroshot/top1'. */
  prefix?: string;
  /** Called when an evaluator throws; by default the error propagates. Return to go on. */
  onError?: (evaluator: Evaluator, error: Error) => void;
}

/** Run every evaluator that applies to `ctx`; one flat record of `<prefix><name>/<metric>`. */
export async function runEvaluators(
  ctx: EvalContext, evaluators: readonly Evaluator[] = DEFAULT_EVALUATORS, options: RunEvaluatorsOptions = {},
): Promise<MetricSamples> {
  const names = new Set<string>();
  for (const e of evaluators) {
    if (names.has(e.name)) throw new Error(`runEvaluators: two evaluators are named '${e.name}'`);
    names.add(e.name);
  }
  const out: MetricSamples = {};
  for (const e of evaluators) {
    if (!e.appliesTo(ctx)) continue;
    let metrics: MetricSamples;
    try {
      metrics = await e.run(ctx);
    } catch (err) {
      if (!options.onError) throw err;
      options.onError(e, err as Error);
      continue;
    }
    for (const [k, v] of Object.entries(metrics)) out[`${options.prefix ?? ''}${e.name}/${k}`] = v;
  }
  return out;
}
