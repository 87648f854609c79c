/**
 * FLAVA: MMM (masked multimodal modeling through the fusion encoder) alone, and the full recipe
 * mlm + mim + mmm + itm + global contrastive, all weight 1, with MMM and contrastive only on the
 * rows whose caption was not swapped for ITM. As torchmultimodal's FLAVAPretrainingLoss (with its
 * default skip_unmasked_mm_encoder), ITM classifies the fused CLS of the *masked* multimodal
 * sequence, the same fusion pass MMM reads: one fusion pass per step, no unmasked one.
 */
import * as tf from '@tensorflow/tfjs';
import { itmLoss, labelledHeadLoss } from '../losses';
import { clipTerm } from './contrastive';
import { drawCaptionSwap, swapCaptions } from './itm';
import { BlockMaskSettings, blockMasks, codeLabels, fitCodebook, patchStates } from './mim';
import { TextMaskOptions, maskTokens } from './text';
import { gatherRows, globalSize, ownHostRows, rowsDenominator } from './global_batch';
import { Objective, PrepareData, Reconstruction, StepInputs } from './types';
import { VisionLanguageModel } from '../models';

const IGNORE = -100;

/** Labels of rows outside `keep` [B] (0 = drop) set to −100: labels int32 [B, L]. */
function keepRows(labels: tf.Tensor2D, keep: number[]): tf.Tensor2D {
  const rows = tf.tensor2d(keep, [keep.length, 1]).greater(0);
  return tf.where(rows, labels, tf.fill(labels.shape, IGNORE, 'int32')) as tf.Tensor2D;
}

function prepareCodebook(model: VisionLanguageModel, data: PrepareData): void {
  const images = data.sampleImages();
  fitCodebook(model, images, 0);
  images.dispose();
}

export interface FlavaOptions extends BlockMaskSettings {
  text?: TextMaskOptions;
  /** ITM caption swap probability (FLAVA 0.1). */
  swapRate?: number;
}

/** Both modalities masked (BEiT blocks, BERT) through their towers, with the MIM/MLM targets. */
function maskedTowers(inputs: StepInputs, opts: FlavaOptions) {
  const { model, batch, ctx } = inputs;
  const { mask, rowCounts } = blockMasks(inputs, opts);
  const text = maskTokens(inputs, opts.text);
  return {
    image: model.encodeImage(batch.images, { replaceMask: mask }, ctx).hidden, // [B, 1+N, D]
    text: model.encodeText(text.ids, batch.attention, ctx).hidden, // [B, T, D]
    textLabels: text.labels, // [B, T]
    codes: codeLabels(model, batch.images, mask), // [B, N]
    // labelled counts per row of the whole batch (data-parallel denominators)
    textCounts: text.rowCounts ?? [],
    codeCounts: rowCounts,
  };
}

/** The unimodal predictions: MLM logits [B, T, V] and MIM logits [B, N, K] with their labels. */
function unimodalPredictions(inputs: StepInputs, towers: ReturnType<typeof maskedTowers>): Required<Reconstruction>['tokens'] {
  const { model } = inputs;
  return {
    mlm: { logits: model.mlmHead!.apply(towers.text), labels: towers.textLabels },
    mim: { logits: model.mimHead!.apply(patchStates(towers.image)) as tf.Tensor3D, labels: towers.codes },
  };
}

/**
 * Masked terms of one batch whose rows `matched` [B] (of the whole batch) say which pairs are
 * real: the multimodal (MMM) terms, with `unimodal` also MLM and MIM, and with `itm` the ITM term
 * on the same masked fused CLS (labels = matched). MMM only scores matched rows.
 */
function maskedTerms(inputs: StepInputs, matched: number[], opts: FlavaOptions, unimodal: boolean, itm = false): Record<string, tf.Scalar> {
  const { model, batch, ctx } = inputs;
  const towers = maskedTowers(inputs, opts);
  const own = ownHostRows(inputs, matched);
  const terms: Record<string, tf.Scalar> = {};
  // every token head runs on the scored positions only (labelledHeadLoss), as FLAVA's heads do
  if (unimodal) {
    terms.mlm = labelledHeadLoss({ hidden: towers.text, labels: towers.textLabels, head: (rows) => model.mlmHead!.apply(rows), denominator: rowsDenominator(inputs, towers.textCounts) });
    terms.mim = labelledHeadLoss({
      hidden: patchStates(towers.image),
      labels: towers.codes,
      head: (rows) => model.mimHead!.apply(rows) as tf.Tensor3D,
      denominator: rowsDenominator(inputs, towers.codeCounts),
    });
  }
  const fused = model.fusion!.apply(towers.image, towers.text, batch.attention, ctx);
  terms.mmmText = labelledHeadLoss({
    hidden: fused.text,
    labels: keepRows(towers.textLabels, own),
    head: (rows) => model.mmmTextHead!.apply(rows),
    denominator: rowsDenominator(inputs, towers.textCounts, matched),
  });
  terms.mmmImage = labelledHeadLoss({
    hidden: patchStates(fused.image),
    labels: keepRows(towers.codes, own),
    head: (rows) => model.mmmImageHead!.apply(rows) as tf.Tensor3D,
    denominator: rowsDenominator(inputs, towers.codeCounts, matched),
  });
  if (itm) terms.itm = itmLoss({ logits: model.itmHead!.apply(fused.pooled), labels: tf.tensor1d(own, 'int32') });
  return terms;
}

export function mmmObjective(opts: FlavaOptions = {}): Objective {
  return {
    name: 'mmm',
    needs: ['fusion', 'mlmHead', 'mimTokens'],
    prepare: prepareCodebook,
    terms: (inputs) => maskedTerms(inputs, new Array<number>(globalSize(inputs)).fill(1), opts, false),
  };
}

export function flavaObjective(opts: FlavaOptions = {}): Objective {
  return {
    name: 'flava',
    batchCoupled: true,
    gathersFeatures: true,
    trainsJointSpace: true,
    needs: ['fusion', 'mlmHead', 'mimTokens', 'itmHead'],
    prepare: prepareCodebook,
    reconstruct: (inputs) => {
      const towers = maskedTowers(inputs, opts);
      // MMM's text head reads the fused sequence: masked text predicted with the (block-masked) image in view
      const fused = inputs.model.fusion!.apply(towers.image, towers.text, inputs.batch.attention, inputs.ctx);
      const mmm = { logits: inputs.model.mmmTextHead!.apply(fused.text), labels: towers.textLabels, givenImage: true };
      return { tokens: { ...unimodalPredictions(inputs, towers), mmm } };
    },
    terms: (inputs) => {
      const { model, batch, ctx } = inputs;
      const swap = drawCaptionSwap(globalSize(inputs), opts.swapRate ?? 0.1, inputs.rng);
      // every term sees the swapped captions; all but ITM are masked to the matched rows
      const swappedInputs = swapCaptions(inputs, swap.source);
      const swapped = swappedInputs.batch;
      // the contrastive features first: a data-parallel first pass stops at their gather
      const pair = gatherRows(inputs, { image: model.embedImages(batch.images, ctx), text: model.embedTexts(swapped.tokens, swapped.attention, ctx) });
      return {
        ...maskedTerms(swappedInputs, swap.matched, opts, true, true),
        contrastive: clipTerm(model, pair.image as tf.Tensor2D, pair.text as tf.Tensor2D, swap.matched),
      };
    },
  };
}
