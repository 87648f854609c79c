/**
 * M3AE: one transformer over [patches; tokens], both masked at 0.75 (the reference's
 * image_mask_ratio and text_mask_ratio); pixel MSE + 0.1 · token CE, no contrastive.
 * Masked patches are dropped before the encoder as in MAE. Masked text tokens are replaced by
 * [MASK] in place rather than dropped: this model has no text decoder to re-insert them (the MLM
 * head reads the encoder's states at the masked positions), so the text side is MAE-rate masking
 * with in-encoder mask tokens (SimMIM-style), every chosen token masked (no BERT 10 % random / 10 % kept).
 */
import * as tf from '@tensorflow/tfjs';
import { maeLoss } from '../losses';
import { rowsDenominator } from './global_batch';
import { patchMask, pixelPrediction } from './mim';
import { MaskedText, maskTokens, mlmLogits, mlmTerm } from './text';
import { Objective, Reconstruction, StepInputs } from './types';

export interface M3aeOptions {
  imageMaskRatio?: number;
  textMaskRate?: number;
  textWeight?: number;
}

/** Both modalities masked, one joint encoder: the pixel prediction and the masked text before the MLM head. */
function m3aeForward(inputs: StepInputs, opts: M3aeOptions): { pixels: Required<Reconstruction>['pixels']; text: MaskedText } {
  const { model, batch, ctx } = inputs;
  const { keepIndices: keep, restoreIndices: restore, mask } = patchMask(inputs, opts.imageMaskRatio ?? 0.75);
  const text = maskTokens(inputs, { rate: opts.textMaskRate ?? 0.75, allMask: true });
  const joint = model.encodeJoint(batch.images, keep, text.ids, batch.attention, ctx);
  return {
    pixels: { ...pixelPrediction(model, joint.image, restore, batch.images, inputs), mask },
    text: { hidden: joint.text, labels: text.labels, denominator: rowsDenominator(inputs, text.rowCounts ?? []) },
  };
}

export function m3aeObjective(opts: M3aeOptions = {}): Objective {
  return {
    name: 'm3ae',
    needs: ['singleStream', 'pixelDecoder', 'mlmHead'],
    termWeights: { mim: 1, mlm: opts.textWeight ?? 0.1 },
    terms: (inputs) => {
      const { pixels, text } = m3aeForward(inputs, opts);
      return { mim: maeLoss(pixels), mlm: mlmTerm(inputs.model, text) } as Record<string, tf.Scalar>;
    },
    reconstruct: (inputs) => {
      const { pixels, text } = m3aeForward(inputs, opts);
      return { pixels, tokens: { mlm: { ...mlmLogits(inputs.model, text), givenImage: true } } };
    },
  };
}
