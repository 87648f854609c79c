/**
 * Evaluators as plug-ins (big_vision style). An `Evaluator` looks at an `EvalContext` — whatever
 * a model produced for one split — says whether it applies, and returns named numbers.
 * `runEvaluators` runs every applicable one and returns one flat record, `<name>/<metric>`.
 *
 * The adapter from a trained model to an `EvalContext` lives outside lib/eval: it embeds the split,
 * fills in what the model can give, and leaves the rest undefined.
 */
import { DenseInput, IntInput } from './inputs';
import { zeroShot, TextEncoderFn } from './zero_shot';
import { retrieval } from './retrieval';
import { linearProbe, LinearProbeInput } from './linear_probe';
import {
  PixelReconstructionInput, TokenAccuracyInput, combinePixelStats, combineTokenStats, pixelReconstruction, tokenAccuracy,
} from './reconstruction';
import { PairScore, compositionalProbe } from './compositional';
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
  run(ctx: EvalContext): Promise<Record<string, number>>;
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
    return { top1: r.top1, top5: r.topKAccuracy, balanced_acc: r.balancedAccuracy };
  },
};

export const retrievalEvaluator: Evaluator = {
  name: 'retrieval',
  appliesTo: (ctx) => ctx.imageEmb != null && ctx.textEmb != null,
  async run(ctx) {
    const r = await retrieval({ imageEmb: ctx.imageEmb!, textEmb: ctx.textEmb!, textToImage: ctx.textToImage });
    const out: Record<string, number> = {};
    for (const dir of ['i2t', 't2i'] as const) {
      for (const k of r.ks) out[`${dir}_r${k}`] = r[dir].recall[k];
      out[`${dir}_mean_rank`] = r[dir].meanRank;
      out[`${dir}_median_rank`] = r[dir].medianRank;
    }
    return out;
  },
};

export const linearProbeEvaluator: Evaluator = {
  name: 'probe',
  appliesTo: (ctx) => ctx.probe != null,
  async run(ctx) {
    const r = await linearProbe(ctx.probe!);
    return { test_acc: r.testAccuracy, val_acc: r.valAccuracy, train_acc: r.trainAccuracy, l2: r.l2 };
  },
};

export const reconstructionEvaluator: Evaluator = {
  name: 'recon',
  appliesTo: (ctx) => (ctx.pixels?.length ?? 0) > 0 || (ctx.tokens?.length ?? 0) > 0,
  async run(ctx) {
    const out: Record<string, number> = {};
    if (ctx.pixels?.length) {
      const parts = [];
      for (const batch of ctx.pixels) parts.push(await pixelReconstruction(batch));
      const s = combinePixelStats(parts);
      out.pixel_mse = s.mse;
      out.pixel_psnr = s.psnr;
    }
    if (ctx.tokens?.length) {
      const parts = [];
      for (const batch of ctx.tokens) parts.push(await tokenAccuracy(batch));
      out.token_acc = combineTokenStats(parts).accuracy;
    }
    return out;
  },
};

export const compositionalEvaluator: Evaluator = {
  name: 'compositional',
  appliesTo: (ctx) => (ctx.compositional?.length ?? 0) > 0,
  async run(ctx) {
    const r = compositionalProbe({ scores: ctx.compositional! });
    return { overall: r.overall, macro: r.macro, ...r.perKind };
  },
};

export const diagnosticsEvaluator: Evaluator = {
  name: 'diag',
  appliesTo: (ctx) => ctx.imageEmb != null && ctx.textEmb != null,
  async run(ctx) {
    const r = await diagnostics({ imageEmb: ctx.imageEmb!, textEmb: ctx.textEmb!, textToImage: ctx.textToImage });
    return {
      alignment: r.alignment,
      uniformity_image: r.uniformityImage,
      uniformity_text: r.uniformityText,
      modality_gap: r.modalityGap,
      erank_image: r.effectiveRankImage,
      erank_text: r.effectiveRankText,
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
): Promise<Record<string, number>> {
  const names = new Set<string>();
  for (const e of evaluators) {
    if (names.has(e.name)) throw new Error(`runEvaluators: two evaluators are named '${e.name}'`);
    names.add(e.name);
  }
  const out: Record<string, number> = {};
  for (const e of evaluators) {
    if (!e.appliesTo(ctx)) continue;
    let metrics: Record<string, number>;
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
