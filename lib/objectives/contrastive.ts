/** Contrastive objectives: CLIP, SigLIP, FLIP (CLIP with image patch dropout). */
import * as tf from '@tensorflow/tfjs';
import { clipLoss, siglipLoss } from '../losses';
import { randomPatchMask } from '../masking';
import { gatherRows, globalSize, ownRows } from './global_batch';
import { ImageEncodeOptions, VisionLanguageModel } from '../models';
import { Objective, StepInputs } from './types';

/**
 * Unit-norm image and text embeddings [B, E] of the whole batch (optionally on a subset of
 * patches): a data-parallel shard embeds its rows and gathers the others' (see global_batch.ts).
 */
export function pairEmbeddings(inputs: StepInputs, imageOpts: ImageEncodeOptions = {}): { imageEmb: tf.Tensor2D; textEmb: tf.Tensor2D } {
  const { model, batch, ctx } = inputs;
  const all = gatherRows(inputs, {
    image: model.embedImages(batch.images, ctx, imageOpts),
    text: model.embedTexts(batch.tokens, batch.attention, ctx),
  });
  return { imageEmb: all.image as tf.Tensor2D, textEmb: all.text as tf.Tensor2D };
}

/** CLIP loss of given embeddings with the model's learned temperature. */
export function clipTerm(model: VisionLanguageModel, imageEmb: tf.Tensor2D, textEmb: tf.Tensor2D, rowMask?: number[]): tf.Scalar {
  return clipLoss({ imageEmb, textEmb, logitScale: model.logit.scale(), rowMask });
}

export function clipObjective(): Objective {
  return {
    name: 'clip',
    batchCoupled: true,
    gathersFeatures: true,
    trainsJointSpace: true,
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
    batchCoupled: true,
    gathersFeatures: true,
    trainsJointSpace: true,
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
    batchCoupled: true,
    gathersFeatures: true,
    trainsJointSpace: true,
    needs: [],
    terms: (inputs) => {
      const { keepIndices } = randomPatchMask(globalSize(inputs), inputs.model.numPatches, ratio, inputs.rng);
      const { imageEmb, textEmb } = pairEmbeddings(inputs, { keep: ownRows(inputs, keepIndices) });
      return { contrastive: clipTerm(inputs.model, imageEmb, textEmb) };
    },
  };
}
