/**
 * MaskVLM: contrastive + ITM (hard negatives, through the cross-modality encoders) + the masked
 * image reconstructed from its visible patches and the text + the masked text reconstructed from
 * its visible tokens and the image.
 */
import * as tf from '@tensorflow/tfjs';
import { maeLoss } from '../losses';
import { ImageEncoding, TextEncoding } from '../models';
import { clipTerm } from './contrastive';
import { rowsDenominator, gatherRows } from './global_batch';
import { hardItmTerm } from './itm';
import { fromNormPix, patchMask, pixelPrediction } from './mim';
import { MaskedText, TextMaskOptions, maskTokens, mlmLogits, mlmTerm } from './text';
import { Objective, Reconstruction, StepInputs } from './types';

export interface MaskVlmOptions {
  imageMaskRatio?: number;
  text?: TextMaskOptions;
  normPix?: boolean;
}

/**
 * Each masked modality reconstructed through its cross-modality encoder reading the other, unmasked
 * one: the pixel prediction and the masked text before the MLM head.
 */
function crossReconstruct(inputs: StepInputs, image: ImageEncoding, text: TextEncoding, opts: MaskVlmOptions): { pixels: Required<Reconstruction>['pixels']; text: MaskedText } {
  const { model, batch, ctx } = inputs;
  const { keepIndices: keep, restoreIndices: restore, mask } = patchMask(inputs, opts.imageMaskRatio ?? 0.75);
  const visible = model.encodeImage(batch.images, { keep }, ctx).hidden;
  const imageGivenText = model.cross!.image(visible, text.hidden, batch.attention, ctx);
  const masked = maskTokens(inputs, opts.text);
  const maskedText = model.encodeText(masked.ids, batch.attention, ctx).hidden;
  const textGivenImage = model.cross!.text(maskedText, batch.attention, image.hidden, ctx);
  return {
    pixels: { ...pixelPrediction(model, imageGivenText, restore, batch.images, inputs), mask },
    text: { hidden: textGivenImage, labels: masked.labels, denominator: rowsDenominator(inputs, masked.rowCounts ?? []) },
  };
}

export function maskvlmObjective(opts: MaskVlmOptions = {}): Objective {
  const normPix = opts.normPix ?? false;
  const towers = ({ model, batch, ctx }: StepInputs) => ({
    image: model.encodeImage(batch.images, {}, ctx),
    text: model.encodeText(batch.tokens, batch.attention, ctx),
  });
  return {
    name: 'maskvlm',
    batchCoupled: true,
    gathersFeatures: true,
    trainsJointSpace: true,
    needs: ['cross', 'pixelDecoder', 'mlmHead', 'itmHead'],
    terms: (inputs) => {
      const { model } = inputs;
      const { image, text } = towers(inputs);
      // every row's embeddings (a data-parallel first pass stops here): the contrastive term and the ITM draw read them
      const pair = gatherRows(inputs, { image: model.imageProj.apply(image.pooled), text: model.textProj.apply(text.pooled) });
      const imageEmb = pair.image as tf.Tensor2D;
      const textEmb = pair.text as tf.Tensor2D;
      const similarity = tf.matMul(imageEmb, textEmb, false, true) as tf.Tensor2D;
      const recon = crossReconstruct(inputs, image, text, opts);
      return {
        contrastive: clipTerm(model, imageEmb, textEmb),
        itm: hardItmTerm(inputs, image.hidden, text.hidden, similarity),
        mim: maeLoss({ ...recon.pixels, normPix }),
        mlm: mlmTerm(model, recon.text),
      };
    },
    reconstruct: (inputs) => {
      const { image, text } = towers(inputs);
      const r = crossReconstruct(inputs, image, text, opts);
      if (normPix) r.pixels.pred = fromNormPix(r.pixels.pred, r.pixels.target);
      return { pixels: r.pixels, tokens: { mlm: { ...mlmLogits(inputs.model, r.text), givenImage: true } } };
    },
  };
}
