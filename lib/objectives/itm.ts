/** Image-text matching: negatives by random caption swaps (FLAVA) or hard negatives (ALBEF/BLIP). */
import * as tf from '@tensorflow/tfjs';
import { itmLoss, sampleHardNegatives } from '../losses';
import { Rng } from '../random';
import { Objective, StepInputs } from './types';

/** Rows whose caption is swapped for another row's (probability p each; never for B = 1). */
export interface CaptionSwap {
  /** [B] which row's caption each row now carries (i itself when matched). */
  source: number[];
  /** [B] 1 = still matched, 0 = swapped. */
  matched: number[];
}

export function drawCaptionSwap(B: number, p: number, rng: Rng): CaptionSwap {
  const source = Array.from({ length: B }, (_, i) => i);
  if (B > 1) {
    for (let i = 0; i < B; i++) {
      if (rng.next() < p) source[i] = (i + 1 + rng.int(B - 1)) % B; // any row but i
    }
  }
  return { source, matched: source.map((s, i) => (s === i ? 1 : 0)) };
}

/** The batch's tokens and attention with captions taken from `source` rows. */
export function swapCaptions(inputs: StepInputs, source: number[]): { tokens: tf.Tensor2D; attention: tf.Tensor2D; tokenRows?: number[][] } {
  const { batch } = inputs;
  const idx = tf.tensor1d(source, 'int32');
  return {
    tokens: tf.gather(batch.tokens, idx) as tf.Tensor2D,
    attention: tf.gather(batch.attention, idx) as tf.Tensor2D,
    tokenRows: batch.tokenRows ? source.map((s) => batch.tokenRows![s]) : undefined,
  };
}

export interface ItmOptions {
  negatives?: 'swap' | 'hard';
  /** Swap probability for 'swap' negatives (FLAVA 0.1). */
  swapRate?: number;
}

/** ITM with random caption swaps: labels 1 for kept pairs, 0 for swapped ones. */
export function swapItmTerm(inputs: StepInputs, swap: CaptionSwap): tf.Scalar {
  const { model, batch, ctx } = inputs;
  const text = swapCaptions(inputs, swap.source);
  const image = model.encodeImage(batch.images, {}, ctx).hidden;
  const textHidden = model.encodeText(text.tokens, text.attention, ctx).hidden;
  const logits = model.itmLogits(image, textHidden, text.attention, ctx);
  return itmLoss({ logits, labels: tf.tensor1d(swap.matched, 'int32') });
}

/**
 * ALBEF/BLIP: for each image a hard negative caption and for each caption a hard negative image,
 * drawn ∝ softmax(s · cos) off the diagonal with the model's learned logit scale s; labels
 * [1]·B + [0]·2B. imageHidden [B, Li, Di], textHidden [B, T, Dt], similarity [B, B] cosines
 * (image rows, text columns).
 */
export function hardItmTerm(inputs: StepInputs, imageHidden: tf.Tensor3D, textHidden: tf.Tensor3D, similarity: tf.Tensor2D): tf.Scalar {
  const { model, batch, ctx, rng } = inputs;
  const B = imageHidden.shape[0];
  // host reads (no gradient through the draw); the caption side samples from the transpose
  const sim = similarity.arraySync() as number[][];
  const logitScale = model.logit.scale().dataSync()[0];
  const negText = sampleHardNegatives({ similarity: sim, logitScale, seed: rng.tfSeed() });
  const negImage = sampleHardNegatives({ similarity: sim.map((_, j) => sim.map((row) => row[j])), logitScale, seed: rng.tfSeed() });
  const self = Array.from({ length: B }, (_, i) => i);
  const imageRows = tf.tensor1d([...self, ...self, ...negImage], 'int32');
  const textRows = tf.tensor1d([...self, ...negText, ...self], 'int32');
  const logits = model.itmLogits(
    tf.gather(imageHidden, imageRows) as tf.Tensor3D,
    tf.gather(textHidden, textRows) as tf.Tensor3D,
    tf.gather(batch.attention, textRows) as tf.Tensor2D,
    ctx,
  );
  const labels = tf.tensor1d([...self.map(() => 1), ...self.map(() => 0), ...self.map(() => 0)], 'int32');
  return itmLoss({ logits, labels });
}

export function itmObjective(opts: ItmOptions = {}): Objective {
  return {
    name: 'itm',
    batchCoupled: true,
    needs: ['itmHead'],
    terms: (inputs) => {
      if (opts.negatives === 'hard') {
        const { model, batch, ctx } = inputs;
        const image = model.encodeImage(batch.images, {}, ctx);
        const text = model.encodeText(batch.tokens, batch.attention, ctx);
        const sim = tf.matMul(model.imageProj.apply(image.pooled), model.textProj.apply(text.pooled), false, true) as tf.Tensor2D;
        return { itm: hardItmTerm(inputs, image.hidden, text.hidden, sim) };
      }
      const swap = drawCaptionSwap(inputs.batch.images.shape[0], opts.swapRate ?? 0.1, inputs.rng);
      return { itm: swapItmTerm(inputs, swap) };
    },
  };
}
