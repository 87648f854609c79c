/** Masked image modeling: MAE (pixels, random masks) and MIM over codebook tokens (BEiT block masks). */
import * as tf from '@tensorflow/tfjs';
import { patchify } from '../core';
import { maeLoss, maskedTokenLoss } from '../losses';
import { RandomPatchMaskResult, blockMaskArrays, randomPatchMask } from '../masking';
import { VisionLanguageModel } from '../models';
import { Rng } from '../random';
import { globalSize, ownHostRows, ownRows, rowsDenominator } from './global_batch';
import { kmeans, patchCodes } from './codebook';
import { Objective, StepInputs } from './types';

const IGNORE = -100;

export interface MaeOptions {
  maskRatio?: number;
  normPix?: boolean;
}

/** Decoder predictions and true patches [B, N, P] from an encoder output over visible patches. */
export function pixelPrediction(
  model: VisionLanguageModel,
  visible: tf.Tensor3D,
  restore: tf.Tensor2D,
  images: tf.Tensor4D,
  inputs: StepInputs,
): { pred: tf.Tensor3D; target: tf.Tensor3D } {
  return { pred: model.pixelDecoder!.apply(visible, restore, inputs.ctx), target: patchify(images, model.cfg.patchSize) };
}

/** Map norm-pix predictions back to pixels with each target patch's mean and unbiased std (+1e-6). */
export function fromNormPix(pred: tf.Tensor3D, target: tf.Tensor3D): tf.Tensor3D {
  return tf.tidy(() => {
    const P = target.shape[2];
    const mean = target.mean(-1, true);
    const variance = target.sub(mean).square().sum(-1, true).div(Math.max(1, P - 1));
    return pred.mul(variance.add(1e-6).sqrt()).add(mean) as tf.Tensor3D;
  });
}

/**
 * A random MAE patch mask at `ratio` for the batch (drawn for the whole batch, this shard's rows
 * kept; every row masks the same count), or the evaluation protocol's fixed one (a copy).
 */
export function patchMask(inputs: StepInputs, ratio: number): RandomPatchMaskResult {
  const fixed = inputs.evalMasks?.patches;
  if (fixed) return { keepIndices: fixed.keepIndices.clone(), restoreIndices: fixed.restoreIndices.clone(), mask: fixed.mask.clone() };
  const whole = randomPatchMask(globalSize(inputs), inputs.model.numPatches, ratio, inputs.rng);
  return { keepIndices: ownRows(inputs, whole.keepIndices), restoreIndices: ownRows(inputs, whole.restoreIndices), mask: ownRows(inputs, whole.mask) };
}

/** MAE's forward on a batch: random mask, encoder on visible patches, decoder on all. */
function maeForward(inputs: StepInputs, ratio: number): { pred: tf.Tensor3D; target: tf.Tensor3D; mask: tf.Tensor2D } {
  const { model, batch } = inputs;
  const { keepIndices: keep, restoreIndices: restore, mask } = patchMask(inputs, ratio);
  const visible = model.encodeImage(batch.images, { keep }, inputs.ctx).hidden;
  return { ...pixelPrediction(model, visible, restore, batch.images, inputs), mask };
}

export function maeObjective(opts: MaeOptions = {}): Objective {
  const ratio = opts.maskRatio ?? 0.75;
  const normPix = opts.normPix ?? false;
  return {
    name: 'mae',
    needs: ['pixelDecoder'],
    terms: (inputs) => ({ mim: maeLoss({ ...maeForward(inputs, ratio), normPix }) }),
    reconstruct: (inputs) => {
      const { pred, target, mask } = maeForward(inputs, ratio);
      return { pixels: { pred: normPix ? fromNormPix(pred, target) : pred, target, mask } };
    },
  };
}

export interface BlockMaskSettings {
  /** Fraction of patches to mask (FLAVA: 75/196 ≈ 0.38). */
  maskRatio?: number;
}

/**
 * BEiT block masks scaled to the model's grid, drawn for the whole batch: this shard's float32
 * [B, N] (1 = masked) and the masked count of every row of the whole batch (blocks may stop short).
 */
export function blockMasks(inputs: StepInputs, settings: BlockMaskSettings = {}): { mask: tf.Tensor2D; rowCounts: number[] } {
  const { model } = inputs;
  const grid = model.cfg.imageSize / model.cfg.patchSize;
  const N = grid * grid;
  const numMasked = Math.max(1, Math.round(N * (settings.maskRatio ?? 75 / 196)));
  // FLAVA's minimum block of 16 patches is 16/196 of the grid; keep that fraction on small grids.
  const minBlock = Math.max(1, Math.round((16 / 196) * N));
  const whole = blockMaskArrays(globalSize(inputs), { height: grid, width: grid, numMasked, minBlock, seed: inputs.rng });
  const own = ownHostRows(inputs, whole);
  return { mask: tf.tensor2d(own.flat(), [own.length, N], 'float32'), rowCounts: whole.map((row) => row.reduce((a, v) => a + v, 0)) };
}

/** Labels int32 [B, N]: the codebook id where masked, −100 elsewhere. */
export function codeLabels(model: VisionLanguageModel, images: tf.Tensor4D, mask: tf.Tensor2D): tf.Tensor2D {
  const codes = patchCodes(images, model.cfg.patchSize, model.codebook as unknown as tf.Tensor2D);
  return tf.where(mask.greater(0), codes, tf.fill(codes.shape, IGNORE, 'int32')) as tf.Tensor2D;
}

/** Fit the model's codebook on sample images by k-means over their patches. */
export function fitCodebook(model: VisionLanguageModel, images: tf.Tensor4D, seed: number, iterations = 10): void {
  const K = model.codebook!.shape[0];
  tf.tidy(() => {
    const p = patchify(images, model.cfg.patchSize); // [M, N, P]
    const [M, N, P] = p.shape;
    model.codebook!.assign(kmeans(p.reshape([M * N, P]), K, iterations, new Rng(seed)));
  });
}

/** Patch states [B, N, D] of an image encoding [B, 1+N, D] (CLS dropped). */
export function patchStates(hidden: tf.Tensor3D): tf.Tensor3D {
  const [B, L, D] = hidden.shape;
  return hidden.slice([0, 1, 0], [B, L - 1, D]);
}

/** BEiT-masked image through the tower and the MIM head: logits [B, N, K], labels [B, N], a shard's denominator. */
function mimForward(inputs: StepInputs, settings: BlockMaskSettings): { logits: tf.Tensor3D; labels: tf.Tensor2D; denominator?: number } {
  const { model, batch } = inputs;
  const { mask, rowCounts } = blockMasks(inputs, settings);
  const hidden = model.encodeImage(batch.images, { replaceMask: mask }, inputs.ctx).hidden;
  return { logits: model.mimHead!.apply(patchStates(hidden)) as tf.Tensor3D, labels: codeLabels(model, batch.images, mask), denominator: rowsDenominator(inputs, rowCounts) };
}

export function mimTokensObjective(opts: BlockMaskSettings & { kmeansSeed?: number } = {}): Objective {
  return {
    name: 'mimTokens',
    needs: ['mimTokens'],
    prepare: (model, data) => {
      const images = data.sampleImages();
      fitCodebook(model, images, opts.kmeansSeed ?? 0);
      images.dispose();
    },
    terms: (inputs) => ({ mim: maskedTokenLoss(mimForward(inputs, opts)) }),
    reconstruct: (inputs) => {
      const { logits, labels } = mimForward(inputs, opts);
      return { tokens: { mim: { logits, labels } } };
    },
  };
}
