/** Embeddings of whole datasets and caption lists by a trained model, in batches, read to the host. */
import * as tf from '@tensorflow/tfjs';
import { EVAL } from '../core';
import { Dataset, SubwordTokenizer } from '../data';
import { VisionLanguageModel } from '../models';

/** Row-major host matrix [rows, cols]. */
export interface HostMatrix {
  data: Float32Array;
  shape: [number, number];
}

async function collect(n: number, batchSize: number, run: (start: number, end: number) => tf.Tensor2D): Promise<HostMatrix> {
  const parts: Float32Array[] = [];
  let cols = 0;
  for (let start = 0; start < n; start += batchSize) {
    const t = run(start, Math.min(n, start + batchSize));
    cols = t.shape[1];
    parts.push((await t.data()) as Float32Array);
    t.dispose();
  }
  const data = new Float32Array(n * cols);
  let at = 0;
  for (const p of parts) {
    data.set(p, at);
    at += p.length;
  }
  return { data, shape: [n, cols] };
}

/** images [n, S, S, 3] of dataset items start..end-1 */
export function imageBatch(dataset: Dataset, start: number, end: number): tf.Tensor4D {
  const S = dataset.imageSize;
  const pixels = new Float32Array((end - start) * S * S * 3);
  for (let i = start; i < end; i++) pixels.set(dataset.get(i).image, (i - start) * S * S * 3);
  return tf.tensor4d(pixels, [end - start, S, S, 3]);
}

/**
 * The image feature every arm is probed on (linear probe, alignment probe): the mean over patch
 * tokens of the image tower's final hidden states (after its last LayerNorm). Not the CLS token and
 * not the arm's own pooling: every objective trains the patch tokens (masked-image losses predict
 * from them, contrastive CLS pooling attends to them), while the CLS token is untrained in an arm
 * whose loss never reads it — so one pooling neither favours nor punishes an arm by which token its
 * loss happened to train.
 */
export const PROBE_FEATURE =
  'image: mean over patch tokens of the image tower\'s final (LayerNorm-ed) states; ' +
  'text: mean over real tokens of the text tower\'s final states (LiT: the frozen tower\'s sentence embedding)';

/** `[B, D]` the probe feature of images [B, H, W, C]: mean of the patch states (CLS dropped). */
export function imageProbeFeature(model: VisionLanguageModel, images: tf.Tensor4D): tf.Tensor2D {
  const hidden = model.encodeImage(images, {}, EVAL).hidden; // [B, 1+N, D]
  const [B, L, D] = hidden.shape;
  return hidden.slice([0, 1, 0], [B, L - 1, D]).mean(1) as tf.Tensor2D;
}

/**
 * Probe features [N, D] of every item and, with `joint`, the joint-space embeddings [N, E] the
 * model's own (trained) projection gives, through the same path training uses.
 */
export async function embedImages(model: VisionLanguageModel, dataset: Dataset, joint: boolean, batchSize = 64): Promise<{ emb?: HostMatrix; features: HostMatrix }> {
  const features = await collect(dataset.size, batchSize, (s, e) => tf.tidy(() => imageProbeFeature(model, imageBatch(dataset, s, e))));
  if (!joint) return { features };
  const emb = await collect(dataset.size, batchSize, (s, e) => tf.tidy(() => model.embedImages(imageBatch(dataset, s, e), EVAL)));
  return { emb, features };
}

/** Token ids and attention of captions: ids int32 [n, T], attention [n, T]. */
export function encodeCaptions(tokenizer: SubwordTokenizer, captions: string[], maxLen: number): { ids: tf.Tensor2D; attention: tf.Tensor2D } {
  const ids = new Int32Array(captions.length * maxLen);
  const attention = new Float32Array(captions.length * maxLen);
  captions.forEach((c, i) => {
    const enc = tokenizer.encode(c, maxLen);
    ids.set(enc.ids, i * maxLen);
    attention.set(enc.attention, i * maxLen);
  });
  return { ids: tf.tensor2d(ids, [captions.length, maxLen], 'int32'), attention: tf.tensor2d(attention, [captions.length, maxLen]) };
}

/** Joint-space caption embeddings [M, E]. */
export async function embedCaptions(
  model: VisionLanguageModel,
  tokenizer: SubwordTokenizer,
  captions: string[],
  maxLen: number,
  batchSize = 128,
): Promise<HostMatrix> {
  // LiT: the frozen tower embeds (and caches) new captions first; then a sync projection
  if (model.frozenText) await model.frozenText.ensure(captions);
  return collect(captions.length, batchSize, (s, e) =>
    tf.tidy(() => {
      if (model.frozenText) return model.embedFrozenTexts(captions.slice(s, e));
      const { ids, attention } = encodeCaptions(tokenizer, captions.slice(s, e), maxLen);
      return model.embedTexts(ids, attention, EVAL);
    }),
  );
}

/** Probe features of captions [M, Dt]: mean of the text tower's final states over real tokens (LiT: the frozen sentence embedding). */
export async function captionFeatures(
  model: VisionLanguageModel,
  tokenizer: SubwordTokenizer,
  captions: string[],
  maxLen: number,
  batchSize = 128,
): Promise<HostMatrix> {
  if (model.frozenText) await model.frozenText.ensure(captions);
  return collect(captions.length, batchSize, (s, e) =>
    tf.tidy(() => {
      if (model.frozenText) return model.frozenText.lookup(captions.slice(s, e));
      const { ids, attention } = encodeCaptions(tokenizer, captions.slice(s, e), maxLen);
      const hidden = model.encodeText(ids, attention, EVAL).hidden; // [B, T, D]
      const w = attention.expandDims(2); // [B, T, 1]
      return hidden.mul(w).sum(1).div(w.sum(1).maximum(1)) as tf.Tensor2D;
    }),
  );
}
