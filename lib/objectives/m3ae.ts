/** M3AE: one transformer over [patches; tokens], both masked; pixel MSE + 0.1 · token CE, no contrastive. */
import { maskedTokenLoss } from '../losses';
import { keepPatches } from './contrastive';
import { pixelTerm } from './mim';
import { maskTokens } from './text';
import { Objective } from './types';

export interface M3aeOptions {
  imageMaskRatio?: number;
  textMaskRate?: number;
  textWeight?: number;
}

export function m3aeObjective(opts: M3aeOptions = {}): Objective {
  return {
    name: 'm3ae',
    needs: ['singleStream', 'pixelDecoder', 'mlmHead'],
    termWeights: { mim: 1, mlm: opts.textWeight ?? 0.1 },
    terms: (inputs) => {
      const { model, batch, ctx } = inputs;
      const { keep, restore, mask } = keepPatches(batch.images.shape[0], model.numPatches, opts.imageMaskRatio ?? 0.75, inputs);
      const text = maskTokens(inputs, { rate: opts.textMaskRate ?? 0.5 });
      const joint = model.encodeJoint(batch.images, keep, text.ids, batch.attention, ctx);
      return {
        mim: pixelTerm(model, joint.image, restore, mask, batch.images, inputs, false),
        mlm: maskedTokenLoss({ logits: model.mlmHead!.apply(joint.text), labels: text.labels }),
      };
    },
  };
}
