/** Text objectives: MLM (BERT 80/10/10) and CoCa-style captioning. */
import * as tf from '@tensorflow/tfjs';
import { IGNORE_LABEL, captionLoss, labelledHeadLoss } from '../losses';
import { bertMaskArrays } from '../masking';
import { clipTerm } from './contrastive';
import { captionDenominator, gatherRows, globalBatch, ownHostRows, rowsDenominator } from './global_batch';
import type { VisionLanguageModel } from '../models';
import { Objective, StepInputs } from './types';

export interface TextMaskOptions {
  /** Fraction of tokens chosen (BERT 0.15). */
  rate?: number;
  wholeWord?: boolean;
  /** Every chosen token becomes [MASK] (M3AE-style) instead of BERT's 80/10/10. */
  allMask?: boolean;
}

/**
 * BERT-masked copy of the batch's tokens (or the evaluation protocol's fixed corruption): inputs
 * int32 [B, T], labels int32 [B, T] (−100 = ignore), drawn for the whole batch (this shard's rows
 * kept), with the labelled count of every row of the whole batch.
 */
export function maskTokens(inputs: StepInputs, opts: TextMaskOptions = {}): { ids: tf.Tensor2D; labels: tf.Tensor2D; rowCounts?: number[] } {
  const fixed = inputs.evalMasks?.text;
  if (fixed) return { ids: fixed.ids.clone(), labels: fixed.labels.clone() };
  const { model } = inputs;
  const batch = globalBatch(inputs);
  const spec = model.textSpec;
  const wholeWord = opts.wholeWord && batch.wordStarts ? { wordStarts: batch.wordStarts } : undefined;
  const m = bertMaskArrays({
    tokens: batch.tokenRows ?? batch.tokens,
    specialIds: spec.specialIds,
    maskId: spec.maskId,
    vocabSize: spec.vocabSize,
    rate: opts.rate ?? 0.15,
    allMask: opts.allMask,
    wholeWord,
    seed: inputs.rng,
  });
  const ids = ownHostRows(inputs, m.inputs);
  const labels = ownHostRows(inputs, m.labels);
  const shape: [number, number] = [ids.length, ids[0].length];
  return {
    ids: tf.tensor2d(ids.flat(), shape, 'int32'),
    labels: tf.tensor2d(labels.flat(), shape, 'int32'),
    rowCounts: m.labels.map((row) => row.reduce((a, l) => a + (l === IGNORE_LABEL ? 0 : 1), 0)),
  };
}

/** Hidden states of masked text [B, T, D] and its labels [B, T] (−100 = not scored), before the MLM head. */
export interface MaskedText {
  hidden: tf.Tensor3D;
  labels: tf.Tensor2D;
  /** A data-parallel shard's share of the whole batch's labelled count (see global_batch.ts). */
  denominator?: number;
}

/**
 * The MLM term: the head on the labelled positions only (FLAVA's MLM head does the same): tiny's
 * step ran the [512, 128]·[128, 1000] decoder and a softmax over 512k logits for ~77 labelled tokens.
 */
export function mlmTerm(model: VisionLanguageModel, { hidden, labels, denominator }: MaskedText): tf.Scalar {
  return labelledHeadLoss({ hidden, labels, denominator, head: (rows) => model.mlmHead!.apply(rows) });
}

/** The MLM head on every position, for reconstructions: logits [B, T, V] and the labels. */
export function mlmLogits(model: VisionLanguageModel, { hidden, labels }: MaskedText): { logits: tf.Tensor3D; labels: tf.Tensor2D } {
  return { logits: model.mlmHead!.apply(hidden), labels };
}

/** Masked captions through the text tower. */
function mlmText(inputs: StepInputs, opts: TextMaskOptions): MaskedText {
  const { model, batch, ctx } = inputs;
  const { ids, labels, rowCounts } = maskTokens(inputs, opts);
  return { hidden: model.encodeText(ids, batch.attention, ctx).hidden, labels, denominator: rowsDenominator(inputs, rowCounts ?? []) };
}

export function mlmObjective(opts: TextMaskOptions = {}): Objective {
  return {
    name: 'mlm',
    needs: ['mlmHead'],
    terms: (inputs) => ({ mlm: mlmTerm(inputs.model, mlmText(inputs, opts)) }),
    reconstruct: (inputs) => ({ tokens: { mlm: mlmLogits(inputs.model, mlmText(inputs, opts)) } }),
  };
}

/** CoCa: next-token captioning from image tokens, optionally with the contrastive term (weights 2 and 1). */
export function captionObjective(opts: { contrastive?: boolean; captionWeight?: number } = {}): Objective {
  const withContrastive = opts.contrastive ?? true;
  return {
    name: 'caption',
    batchCoupled: withContrastive,
    gathersFeatures: withContrastive,
    trainsJointSpace: withContrastive,
    needs: ['captionDecoder'],
    termWeights: { caption: opts.captionWeight ?? 2, contrastive: 1 },
    terms: (inputs) => {
      const { model, batch, ctx } = inputs;
      const image = model.encodeImage(batch.images, {}, ctx);
      // the contrastive features first: a data-parallel first pass stops at their gather
      const pair = withContrastive
        ? gatherRows(inputs, { image: model.imageProj.apply(image.pooled), text: model.embedTexts(batch.tokens, batch.attention, ctx) })
        : undefined;
      const logits = model.captionDecoder!.apply(model.text.embed(batch.tokens), image.hidden, batch.attention, ctx);
      const padId = model.textSpec.padId;
      const denominator = captionDenominator(inputs, padId);
      const terms: Record<string, tf.Scalar> = { caption: captionLoss({ logits, tokens: batch.tokens, padId, denominator }) };
      if (pair) terms.contrastive = clipTerm(model, pair.image as tf.Tensor2D, pair.text as tf.Tensor2D);
      return terms;
    },
  };
}
