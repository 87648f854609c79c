/**
 * Reconstruction on one protocol for every arm: the same patches and caption tokens masked for
 * every arm (see eval_masks.ts), pixels scored per image with each patch given the true patch's mean
 * and std (RECONSTRUCTION_RULE), a mean-patch baseline as PSNR's chance, and masked-text accuracy
 * with the image and with a blank image for arms that predict text from the image.
 */
import * as tf from '@tensorflow/tfjs';
import { EVAL } from '../core';
import { Dataset, SubwordTokenizer } from '../data';
import {
  MetricSamples, PerImagePixelStats, PerRowTokenStats, pixelReconstructionPerImage, pixelSamples, tokenAccuracyPerRow, tokenSample,
} from '../eval';
import { VisionLanguageModel } from '../models';
import { EvalMasks, ObjectiveMix, Reconstruction, TrainBatch, disposeReconstructions } from '../objectives';
import { Rng } from '../random';
import { imageBatch } from './embed';
import { EVAL_PATCH_MASK_RATIO, EVAL_SEED, EVAL_TEXT_MASK_RATE, disposeEvalMasks, protocolMasks } from './eval_masks';

/** Pixel value of every pixel of the blank image behind `mlm_acc_noimage`. */
export const BLANK_IMAGE_VALUE = 0.5;

/** The rule, in words, for the report's caveats. */
export const RECONSTRUCTION_RULE =
  `${EVAL_PATCH_MASK_RATIO * 100} % of patches masked, the same patches for every arm (fixed per item); ` +
  'PSNR = mean over images of per-image PSNR on masked patches in [0, 1] pixel space, every predicted patch ' +
  "(norm-pix or raw) rescaled to the true patch's mean and std — every arm gets the same per-patch statistics " +
  'and is scored on the structure inside the patch; chance = the mean of the visible patches, rescaled alike. ' +
  `Text: ${EVAL_TEXT_MASK_RATE * 100} % of each caption's tokens (≥ 1) replaced by [MASK], same positions for every arm; ` +
  `mlm_acc = predicted with the image in view, mlm_acc_noimage = the same with a blank image (all pixels ${BLANK_IMAGE_VALUE}), ` +
  'mlm_acc_textonly = a text-only MLM head; chance = share of the most frequent masked token.';

export interface ReconstructionEvalOptions {
  model: VisionLanguageModel;
  tokenizer: SubwordTokenizer;
  maxLen: number;
  objectives: ObjectiveMix;
  dataset: Dataset;
  /** First items scored (default all). */
  items?: number;
  batchSize?: number;
}

/** Metric leaf of a token prediction. */
function tokenLeaf(kind: string, givenImage: boolean | undefined): string {
  if (givenImage) return 'mlm_acc';
  return kind === 'mlm' ? 'mlm_acc_textonly' : `${kind}_acc`;
}

/** One eval batch of items start..end-1 with each item's first caption. */
function evalBatch(o: ReconstructionEvalOptions, start: number, end: number): TrainBatch {
  const captions = Array.from({ length: end - start }, (_, i) => o.dataset.meta(start + i).captions[0]);
  const enc = captions.map((c) => o.tokenizer.encode(c, o.maxLen));
  const B = captions.length;
  return {
    images: imageBatch(o.dataset, start, end),
    tokens: tf.tensor2d(enc.flatMap((e) => e.ids), [B, o.maxLen], 'int32'),
    attention: tf.tensor2d(enc.flatMap((e) => e.attention), [B, o.maxLen], 'float32'),
    tokenRows: enc.map((e) => e.ids),
    captions,
  };
}

/** Every objective's reconstruction of a batch, all with the same masks and the same rng. */
function reconstructAll(o: ReconstructionEvalOptions, batch: TrainBatch, evalMasks: EvalMasks, start: number, only?: string): Record<string, Reconstruction> {
  const out: Record<string, Reconstruction> = {};
  for (const { objective } of o.objectives.parts) {
    if (!objective.reconstruct || (only !== undefined && objective.name !== only)) continue;
    // draws the protocol does not fix (FLAVA's block masks) come from the items' position only
    const rng = new Rng(EVAL_SEED).fork(`batch/${start}`);
    out[objective.name] = tf.tidy(() =>
      objective.reconstruct!({ model: o.model, batch, rng, ctx: EVAL, evalMasks }) as unknown as tf.TensorContainer) as unknown as Reconstruction;
  }
  return out;
}

/** `recon` leaves of one split (empty when no objective reconstructs). The first objective giving a leaf wins. */
export async function reconstructionMetrics(o: ReconstructionEvalOptions): Promise<MetricSamples> {
  if (!o.objectives.parts.some((p) => p.objective.reconstruct)) return {};
  const n = Math.min(o.items ?? o.dataset.size, o.dataset.size);
  const bs = o.batchSize ?? 64;
  const pixels: PerImagePixelStats[] = [];
  const tokens: Record<string, PerRowTokenStats[]> = {};
  for (let start = 0; start < n; start += bs) {
    const end = Math.min(n, start + bs);
    const items = Array.from({ length: end - start }, (_, i) => start + i);
    const batch = evalBatch(o, start, end);
    const masks = protocolMasks(items, o.model.numPatches, batch.tokenRows!, o.model.textSpec);
    try {
      const all = reconstructAll(o, batch, masks, start);
      let pixelOwner: string | null = null;
      const seen: Record<string, string> = {};
      let givenImage = false;
      try {
        for (const [name, r] of Object.entries(all)) {
          if (r.pixels && pixelOwner === null) {
            pixelOwner = name;
            pixels.push(await pixelReconstructionPerImage({ ...r.pixels, matchPatchStats: true }));
          }
          for (const [kind, t] of Object.entries(r.tokens ?? {})) {
            const leaf = tokenLeaf(kind, t.givenImage);
            if ((seen[leaf] ??= name) !== name) continue;
            givenImage ||= t.givenImage === true;
            (tokens[leaf] ??= []).push(await tokenAccuracyPerRow(t));
          }
        }
      } finally {
        disposeReconstructions(all);
      }
      if (givenImage) {
        // the same masked captions, the image replaced by a blank one: what the image adds
        const blank: TrainBatch = { ...batch, images: tf.fill(batch.images.shape, BLANK_IMAGE_VALUE) as tf.Tensor4D };
        const noImage = reconstructAll(o, blank, masks, start, seen.mlm_acc);
        try {
          for (const t of Object.values(noImage[seen.mlm_acc]?.tokens ?? {})) {
            if (t.givenImage) (tokens.mlm_acc_noimage ??= []).push(await tokenAccuracyPerRow(t));
          }
        } finally {
          disposeReconstructions(noImage);
          blank.images.dispose();
        }
      }
    } finally {
      disposeEvalMasks(masks);
      tf.dispose([batch.images, batch.tokens, batch.attention]);
    }
  }
  const out: MetricSamples = {};
  if (pixels.length) Object.assign(out, pixelSamples(pixels));
  for (const [leaf, parts] of Object.entries(tokens)) out[leaf] = tokenSample(parts);
  return out;
}
