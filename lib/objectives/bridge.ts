/**
 * A frozen language model bridged to images. `lm`: mvlm's small causal LM trained alone on the
 * captions (next-token CE). `frozen` (Frozen, Tsimpoukelli et al. 2021; MiniGPT-4's single
 * projection): the image tower's pooled feature becomes K prefix embeddings of the frozen LM, and
 * only the image side learns, from the caption loss.
 */
import { captionLoss } from '../losses';
import { LM_PREFIX, VisionLanguageModel } from '../models';
import { captionDenominator } from './global_batch';
import { Objective, StepInputs } from './types';
import type * as tf from '@tensorflow/tfjs';

/**
 * Next-token CE of the batch's captions under the model's captioner (the LM, given the image when
 * it has a bridge); a data-parallel shard divides by the whole batch's target count.
 */
export function captionTerm(inputs: StepInputs, context: tf.Tensor3D | null): tf.Scalar {
  const { model, batch, ctx } = inputs;
  const logits = model.captionLogits(context, batch.tokens, batch.attention, ctx);
  const padId = model.textSpec.padId;
  return captionLoss({ logits, tokens: batch.tokens, padId, denominator: captionDenominator(inputs, padId) });
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
