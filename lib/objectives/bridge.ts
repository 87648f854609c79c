/**
 * A frozen language model bridged to images. `lm`: mvlm's small causal LM trained alone on the
 * captions (next-token CE). `frozen` (Frozen, Tsimpoukelli et al. 2021; MiniGPT-4's single
 * projection): the image tower's pooled feature becomes K prefix embeddings of the frozen LM, and
 * only the image side learns, from the caption loss.
 */
import { captionLoss } from '../losses';
import { LM_PREFIX, VisionLanguageModel } from '../models';
import { Objective, StepInputs } from './types';
import type * as tf from '@tensorflow/tfjs';

/** Next-token CE of the batch's captions under the model's captioner (the LM, given the image when it has a bridge). */
export function captionTerm({ model, batch, ctx }: StepInputs, context: tf.Tensor3D | null): tf.Scalar {
  const logits = model.captionLogits(context, batch.tokens, batch.attention, ctx);
  return captionLoss({ logits, tokens: batch.tokens, padId: model.textSpec.padId });
}

function requireLm(model: VisionLanguageModel, who: string): void {
  if (!model.lm) throw new Error(`${who}: the model has no LM (set model.lm)`);
}

export function lmObjective(): Objective {
  return {
    name: 'lm',
    needs: ['lm'],
    terms: (inputs) => {
      requireLm(inputs.model, 'lm');
      return { lm: captionTerm(inputs, null) };
    },
  };
}

export function frozenObjective(): Objective {
  return {
    name: 'frozen',
    needs: ['lm', 'prefix'],
    freezes: [LM_PREFIX],
    terms: (inputs) => {
      const context = inputs.model.captionContext(inputs.batch.images, inputs.ctx);
      return { caption: captionTerm(inputs, context) };
    },
  };
}
