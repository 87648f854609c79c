/**
 * MaskVLM: contrastive + ITM (hard negatives, through the cross-modality encoders) + the masked
 * image reconstructed from its visible patches and the text + the masked text reconstructed from
 * its visible tokens and the image.
 */
import * as tf from '@tensorflow/tfjs';
import { maskedTokenLoss } from '../losses';
import { clipTerm, keepPatches } from './contrastive';
import { hardItmTerm } from './itm';
import { pixelTerm } from './mim';
import { TextMaskOptions, maskTokens } from './text';
import { Objective } from './types';

export interface MaskVlmOptions {
  imageMaskRatio?: number;
  text?: TextMaskOptions;
  normPix?: boolean;
}

export function maskvlmObjective(opts: MaskVlmOptions = {}): Objective {
  return {
    name: 'maskvlm',
    needs: ['cross', 'pixelDecoder', 'mlmHead', 'itmHead'],
    terms: (inputs) => {
      const { model, batch, ctx } = inputs;
      const B = batch.images.shape[0];
      // unmasked towers: contrastive, ITM, and the other modality's context for reconstruction
      const image = model.encodeImage(batch.images, {}, ctx);
      const text = model.encodeText(batch.tokens, batch.attention, ctx);
      const imageEmb = model.imageProj.apply(image.pooled);
      const textEmb = model.textProj.apply(text.pooled);
      const similarity = tf.matMul(imageEmb, textEmb, false, true) as tf.Tensor2D;

      const { keep, restore, mask } = keepPatches(B, model.numPatches, opts.imageMaskRatio ?? 0.75, inputs);
      const visible = model.encodeImage(batch.images, { keep }, ctx).hidden;
      const imageGivenText = model.cross!.image(visible, text.hidden, batch.attention, ctx);

      const masked = maskTokens(inputs, opts.text);
      const maskedText = model.encodeText(masked.ids, batch.attention, ctx).hidden;
      const textGivenImage = model.cross!.text(maskedText, batch.attention, image.hidden, ctx);

      return {
        contrastive: clipTerm(model, imageEmb, textEmb),
        itm: hardItmTerm(inputs, image.hidden, text.hidden, similarity),
        mim: pixelTerm(model, imageGivenText, restore, mask, batch.images, inputs, opts.normPix ?? false),
        mlm: maskedTokenLoss({ logits: model.mlmHead!.apply(textGivenImage), labels: masked.labels }),
      };
    },
  };
}
