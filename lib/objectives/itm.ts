/** Image-text matching: negatives by random caption swaps (FLAVA) or hard negatives (ALBEF/BLIP). */
import * as tf from '@tensorflow/tfjs';
import { itmLoss, sampleHardNegatives } from '../losses';
import { Rng } from '../random';
import { gatherRows, globalBatch, globalSize, ownHostRows, ownRange, statesOfRows } from './global_batch';
import { Objective, StepInputs, TrainBatch } from './types';

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

/**
 * The inputs with every row's caption taken from row `source` [B] of the whole batch (a shard's
 * partner row may be another shard's: its ids come from the whole batch's data); word starts dropped.
 */
export function swapCaptions(inputs: StepInputs, source: number[]): StepInputs {
  const whole = globalBatch(inputs);
  const swapped = (batch: TrainBatch, rows: number[]): TrainBatch => {
    const idx = tf.tensor1d(rows, 'int32');
    return {
      ...batch,
      tokens: tf.gather(whole.tokens, idx) as tf.Tensor2D,
      attention: tf.gather(whole.attention, idx) as tf.Tensor2D,
      tokenRows: whole.tokenRows ? rows.map((s) => whole.tokenRows![s]) : undefined,
      wordStarts: undefined,
      captions: whole.captions ? rows.map((s) => whole.captions![s]) : undefined,
    };
  };
  const batch = swapped(inputs.batch, ownHostRows(inputs, source));
  return { ...inputs, batch, shard: inputs.shard && { ...inputs.shard, global: swapped(whole, source) } };
}

export interface ItmOptions {
  negatives?: 'swap' | 'hard';
  /** Swap probability for 'swap' negatives (FLAVA 0.1). */
  swapRate?: number;
}

/** ITM with random caption swaps: labels 1 for kept pairs, 0 for swapped ones. */
export function swapItmTerm(inputs: StepInputs, swap: CaptionSwap): tf.Scalar {
  const { model, batch, ctx } = inputs;
  const text = swapCaptions(inputs, swap.source).batch;
  const image = model.encodeImage(batch.images, {}, ctx).hidden;
  const textHidden = model.encodeText(text.tokens, text.attention, ctx).hidden;
  const logits = model.itmLogits(image, textHidden, text.attention, ctx);
  return itmLoss({ logits, labels: tf.tensor1d(ownHostRows(inputs, swap.matched), 'int32') });
}

/**
 * ALBEF/BLIP: for each image a hard negative caption and for each caption a hard negative image,
 * drawn ∝ softmax(s · cos) off the diagonal with the model's learned logit scale s; labels
 * [1]·B + [0]·2B. imageHidden [b, Li, Di], textHidden [b, T, Dt] of this batch's (shard's) rows,
 * similarity [B, B] cosines of the whole batch (image rows, text columns). A data-parallel shard
 * draws every row's negatives as one process does and scores the pairs of its own images and its
 * own captions, recomputing a partner row another shard holds.
 */
export function hardItmTerm(inputs: StepInputs, imageHidden: tf.Tensor3D, textHidden: tf.Tensor3D, similarity: tf.Tensor2D): tf.Scalar {
  const { model, ctx, rng } = inputs;
  const whole = globalBatch(inputs);
  // host reads (no gradient through the draw); the caption side samples from the transpose
  const sim = similarity.arraySync() as number[][];
  const logitScale = model.logit.scale().dataSync()[0];
  const negText = sampleHardNegatives({ similarity: sim, logitScale, seed: rng.tfSeed() });
  const negImage = sampleHardNegatives({ similarity: sim.map((_, j) => sim.map((row) => row[j])), logitScale, seed: rng.tfSeed() });
  const { start, size } = ownRange(inputs);
  const self = Array.from({ length: size }, (_, i) => start + i);
  const imageRows = [...self, ...self, ...self.map((j) => negImage[j])];
  const textRows = [...self, ...self.map((i) => negText[i]), ...self];
  const logits = model.itmLogits(
    statesOfRows(inputs, imageRows, imageHidden, (rows) => model.encodeImage(tf.gather(whole.images, rows) as tf.Tensor4D, {}, ctx).hidden),
    statesOfRows(inputs, textRows, textHidden, (rows) => model.encodeText(tf.gather(whole.tokens, rows) as tf.Tensor2D, tf.gather(whole.attention, rows) as tf.Tensor2D, ctx).hidden),
    tf.gather(whole.attention, tf.tensor1d(textRows, 'int32')) as tf.Tensor2D,
    ctx,
  );
  const labels = tf.tensor1d([...self.map(() => 1), ...self.map(() => 0), ...self.map(() => 0)], 'int32');
  return itmLoss({ logits, labels });
}

export function itmObjective(opts: ItmOptions = {}): Objective {
  return {
    name: 'itm',
    batchCoupled: true,
    gathersFeatures: opts.negatives === 'hard',
    needs: ['itmHead'],
    terms: (inputs) => {
      if (opts.negatives === 'hard') {
        const { model, batch, ctx } = inputs;
        const image = model.encodeImage(batch.images, {}, ctx);
        const text = model.encodeText(batch.tokens, batch.attention, ctx);
        const all = gatherRows(inputs, { image: model.imageProj.apply(image.pooled), text: model.textProj.apply(text.pooled) });
        const sim = tf.matMul(all.image, all.text, false, true) as tf.Tensor2D;
        return { itm: hardItmTerm(inputs, image.hidden, text.hidden, sim) };
      }
      const swap = drawCaptionSwap(globalSize(inputs), opts.swapRate ?? 0.1, inputs.rng);
      return { itm: swapItmTerm(inputs, swap) };
    },
  };
}
