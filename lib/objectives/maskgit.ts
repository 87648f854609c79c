/**
 * MaskGIT / Muse-style text-to-image: an image is a grid of codebook tokens (the k-means patch
 * codebook of `mimTokens`); each step masks a cosine-schedule fraction of every row's tokens and
 * the model predicts them from the visible ones and the caption. The token grid enters the image
 * tower as its quantised picture (each token's centroid patch), masked tokens replaced by the
 * tower's mask token; the image states then cross-attend to the text tower (MaskVLM's image-reads-
 * text encoder) and the MIM head scores the K codes. Classifier-free guidance: a fraction of rows
 * see the empty caption, so one model also gives the unconditional logits.
 */
import * as tf from '@tensorflow/tfjs';
import { ForwardContext, unpatchify } from '../core';
import { IGNORE_LABEL, labelledHeadLoss } from '../losses';
import { cosineScheduleMask } from '../masking';
import { TextSpec, VisionLanguageModel } from '../models';
import { Rng } from '../random';
import { patchCodes } from './codebook';
import { fitCodebook, patchStates } from './mim';
import { globalSize, ownHostRows, ownRows, rowsDenominator } from './global_batch';
import { Objective, StepInputs } from './types';

export interface MaskGitOptions {
  /** Fraction of rows trained on the empty caption (classifier-free guidance; Muse 0.1). */
  captionDrop?: number;
  kmeansSeed?: number;
}

export const DEFAULT_CAPTION_DROP = 0.1;

/** The caption a row sees when its caption is dropped: [CLS] [SEP] then padding; ids int32 [T], attention [T]. */
export function emptyCaption(spec: TextSpec, T: number): { ids: number[]; attention: number[] } {
  if (T < 2) throw new Error(`emptyCaption: T=${T} has no room for [CLS] [SEP]`);
  return {
    ids: [spec.clsId, spec.sepId, ...new Array<number>(T - 2).fill(spec.padId)],
    attention: [1, 1, ...new Array<number>(T - 2).fill(0)],
  };
}

/** Captions ids int32 [B, T] and attention [B, T] with the rows where `drop[b]` replaced by the empty caption. */
export function dropCaptions(spec: TextSpec, ids: tf.Tensor2D, attention: tf.Tensor2D, drop: boolean[]): { ids: tf.Tensor2D; attention: tf.Tensor2D } {
  const [B, T] = ids.shape;
  if (drop.length !== B) throw new Error(`dropCaptions: drop has ${drop.length} rows, ids are [${ids.shape}]`);
  return tf.tidy(() => {
    const empty = emptyCaption(spec, T);
    const rows = tf.tensor2d(drop.map((d) => (d ? 1 : 0)), [B, 1], 'bool');
    return {
      ids: tf.where(rows, tf.tensor2d([empty.ids], [1, T], 'int32').tile([B, 1]), ids) as tf.Tensor2D,
      attention: tf.where(rows, tf.tensor2d([empty.attention], [1, T]).tile([B, 1]), attention.toFloat()) as tf.Tensor2D,
    };
  });
}

/** Rows whose caption is dropped this step: each with probability `rate`. */
export function captionDropRows(B: number, rate: number, rng: Rng): boolean[] {
  return Array.from({ length: B }, () => rng.next() < rate);
}

/** The quantised picture of a token grid: codes int32 [B, N] -> centroid patches -> images [B, H, W, C]. */
export function codesToImages(model: VisionLanguageModel, codes: tf.Tensor2D): tf.Tensor4D {
  const codebook = requireCodebook(model);
  const { imageSize: S, patchSize: p, channels: C } = model.cfg;
  if (codes.dtype !== 'int32' || codes.rank !== 2) throw new Error(`codesToImages: codes must be int32 [B, N], got ${codes.dtype} [${codes.shape}]`);
  return tf.tidy(() => {
    const [B, N] = codes.shape;
    const patches = tf.gather(codebook, codes.reshape([B * N])).reshape([B, N, p * p * C]) as tf.Tensor3D;
    return unpatchify(patches, p, S, S, C);
  });
}

function requireCodebook(model: VisionLanguageModel): tf.Tensor2D {
  if (!model.codebook || !model.mimHead) throw new Error('maskgit needs model.mimTokens (a codebook and its head)');
  return model.codebook as unknown as tf.Tensor2D;
}

/** Token codes int32 [B, N] of images [B, H, W, C] (nearest centroid per patch). */
export function imageCodes(model: VisionLanguageModel, images: tf.Tensor4D): tf.Tensor2D {
  return patchCodes(images, model.cfg.patchSize, requireCodebook(model));
}

/**
 * States of every token position [B, N, D] given the visible tokens and the caption: codes int32
 * [B, N] (values at masked positions are never seen), mask [B, N] (1 = masked), ids int32 [B, T],
 * attention [B, T].
 */
export function maskgitStates(
  model: VisionLanguageModel, codes: tf.Tensor2D, mask: tf.Tensor2D, ids: tf.Tensor2D, attention: tf.Tensor2D, ctx: ForwardContext,
): tf.Tensor3D {
  if (!model.cross) throw new Error('maskgit needs model.cross (image states cross-attending to the caption)');
  const picture = codesToImages(model, codes);
  const image = model.encodeImage(picture, { replaceMask: mask }, ctx).hidden; // [B, 1+N, D]
  const text = model.encodeText(ids, attention, ctx).hidden; // [B, T, Dt]
  return patchStates(model.cross.image(image, text, attention, ctx));
}

/** Code logits [B, N, K] at every position (decoding and evaluation). */
export function maskgitLogits(
  model: VisionLanguageModel, codes: tf.Tensor2D, mask: tf.Tensor2D, ids: tf.Tensor2D, attention: tf.Tensor2D, ctx: ForwardContext,
): tf.Tensor3D {
  return model.mimHead!.apply(maskgitStates(model, codes, mask, ids, attention, ctx)) as tf.Tensor3D;
}

/** Labels int32 [B, N]: the code where masked, −100 elsewhere. */
function maskedLabels(codes: tf.Tensor2D, mask: tf.Tensor2D): tf.Tensor2D {
  return tf.where(mask.greater(0), codes, tf.fill(codes.shape, IGNORE_LABEL, 'int32')) as tf.Tensor2D;
}

/**
 * One step's inputs: codes, a cosine-schedule mask (or the eval protocol's), captions with some
 * rows dropped, and the loss denominator. Mask and drops are drawn for the whole batch (a
 * data-parallel shard keeps its rows) and a shard divides by the whole batch's masked count.
 */
function maskgitInputs(inputs: StepInputs, captionDrop: number) {
  const { model, batch, rng } = inputs;
  const codes = imageCodes(model, batch.images);
  const N = codes.shape[1];
  const B = globalSize(inputs);
  const fixed = inputs.evalMasks?.patches?.mask.clone();
  const drawn = fixed ? undefined : cosineScheduleMask(B, N, rng.fork('mask'));
  const mask = fixed ?? ownRows(inputs, drawn!.mask);
  const drop = ownHostRows(inputs, captionDropRows(B, captionDrop, rng.fork('captions')));
  const text = dropCaptions(model.textSpec, batch.tokens, batch.attention, drop);
  const denominator = drawn ? rowsDenominator(inputs, drawn.counts) : undefined;
  return { codes, mask, labels: maskedLabels(codes, mask), denominator, ...text };
}

export function maskgitObjective(opts: MaskGitOptions = {}): Objective {
  const captionDrop = opts.captionDrop ?? DEFAULT_CAPTION_DROP;
  return {
    name: 'maskgit',
    needs: ['mimTokens', 'cross'],
    prepare: (model, data) => {
      const images = data.sampleImages();
      fitCodebook(model, images, opts.kmeansSeed ?? 0);
      images.dispose();
    },
    terms: (inputs) => {
      const { model, ctx } = inputs;
      const x = maskgitInputs(inputs, captionDrop);
      const hidden = maskgitStates(model, x.codes, x.mask, x.ids, x.attention, ctx);
      // the head and the softmax over K only on the masked positions
      return { mim: labelledHeadLoss({ hidden, labels: x.labels, denominator: x.denominator, head: (rows) => model.mimHead!.apply(rows) as tf.Tensor3D }) };
    },
    reconstruct: (inputs) => {
      // the captions as given: reconstruction scores the conditional model
      const x = maskgitInputs(inputs, 0);
      return { tokens: { mim: { logits: maskgitLogits(inputs.model, x.codes, x.mask, x.ids, x.attention, inputs.ctx), labels: x.labels } } };
    },
  };
}
