/** Contrastive objectives: CLIP, SigLIP, FLIP (CLIP with image patch dropout). */
import * as tf from '@tensorflow/tfjs';
import { clipLoss, siglipLoss } from '../losses';
import { randomPatchMaskArrays } from '../masking';
import { ImageEncodeOptions, VisionLanguageModel } from '../models';
import { Objective, StepInputs } from './types';

/** Unit-norm image and text embeddings [B, E] of a batch (optionally on a subset of patches). */
export function pairEmbeddings({ model, batch, ctx }: StepInputs, imageOpts: ImageEncodeOptions = {}): { imageEmb: tf.Tensor2D; textEmb: tf.Tensor2D } {
  return {
    imageEmb: model.embedImages(batch.images, ctx, imageOpts),
    textEmb: model.embedTexts(batch.tokens, batch.attention, ctx),
  };
}

/** CLIP loss of given embeddings with the model's learned temperature. */
export function clipTerm(model: VisionLanguageModel, imageEmb: tf.Tensor2D, textEmb: tf.Tensor2D, rowMask?: number[]): tf.Scalar {
  return clipLoss({ imageEmb, textEmb, logitScale: model.logit.scale(), rowMask });
}

/** int32 [B, K] of randomly kept patches (FLIP / MAE), with the matching restore order. */
export function keepPatches(B: number, N: number, ratio: number, inputs: StepInputs): { keep: tf.Tensor2D; restore: tf.Tensor2D; mask: tf.Tensor2D } {
  const a = randomPatchMaskArrays(B, N, ratio, inputs.rng);
  const K = a.keepIndices[0].length;
  return {
    keep: tf.tensor2d(a.keepIndices.flat(), [B, K], 'int32'),
    restore: tf.tensor2d(a.restoreIndices.flat(), [B, N], 'int32'),
    mask: tf.tensor2d(a.mask.flat(), [B, N], 'float32'),
  };
}

export function clipObjective(): Objective {
  return {
    name: 'clip',
    needs: [],
    terms: (inputs) => {
      const { imageEmb, textEmb } = pairEmbeddings(inputs);
      return { contrastive: clipTerm(inputs.model, imageEmb, textEmb) };
    },
  };
}

export function siglipObjective(): Objective {
  return {
    name: 'siglip',
    needs: ['logitBias'],
    terms: (inputs) => {
      const { imageEmb, textEmb } = pairEmbeddings(inputs);
      const { logit } = inputs.model;
      return { contrastive: siglipLoss({ imageEmb, textEmb, logitScale: logit.scale(), logitBias: logit.bias as unknown as tf.Scalar }) };
    },
  };
}

/** FLIP: CLIP on a random subset of patches (the rest dropped before the encoder); eval is unmasked. */
export function flipObjective(opts: { dropRatio?: number } = {}): Objective {
  const ratio = opts.dropRatio ?? 0.5;
  return {
    name: 'flip',
    needs: [],
    terms: (inputs) => {
      const B = inputs.batch.images.shape[0];
      const { keep } = keepPatches(B, inputs.model.numPatches, ratio, inputs);
      const { imageEmb, textEmb } = pairEmbeddings(inputs, { keep });
      return { contrastive: clipTerm(inputs.model, imageEmb, textEmb) };
    },
  };
}
