/** Embeddings of whole datasets and caption lists by a trained model, in batches, read to the host. */
import * as tf from '@tensorflow/tfjs';
import { EVAL } from '../core';
import { Dataset, SubwordTokenizer, encodeCaptions } from '../data';
import { VisionLanguageModel } from '../models';

export { encodeCaptions } from '../data';

/** Row-major host matrix [rows, cols]. */
export interface HostMatrix {
  data: Float32Array;
  shape: [number, number];
}

async function collect(n: number, batchSize: number, run: (start: number, end: number) => tf.Tensor2D): Promise<HostMatrix> {
  return (await collectMany(n, batchSize, (s, e) => [run(s, e)]))[0];
}

/** Like `collect` for a function giving several `[rows, cols_k]` outputs per batch. */
async function collectMany(n: number, batchSize: number, run: (start: number, end: number) => tf.Tensor2D[]): Promise<HostMatrix[]> {
  const parts: Float32Array[][] = [];
  let cols: number[] = [];
  for (let start = 0; start < n; start += batchSize) {
    const ts = run(start, Math.min(n, start + batchSize));
    cols = ts.map((t) => t.shape[1]);
    const read: Float32Array[] = [];
    for (const t of ts) read.push((await t.data()) as Float32Array);
    tf.dispose(ts);
    parts.push(read);
  }
  return cols.map((c, k) => {
    const data = new Float32Array(n * c);
    let at = 0;
    for (const p of parts) {
      data.set(p[k], at);
      at += p[k].length;
    }
    return { data, shape: [n, c] as [number, number] };
  });
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

/** `[B, D]` the probe feature of image states [B, 1+N, D]: mean of the patch states (CLS dropped). */
function meanPatchState(hidden: tf.Tensor3D): tf.Tensor2D {
  const [B, L, D] = hidden.shape;
  return hidden.slice([0, 1, 0], [B, L - 1, D]).mean(1) as tf.Tensor2D;
}

/**
 * Probe features [N, D] of every item and, with `joint`, the joint-space embeddings [N, E] of the
 * model's own projection (`imageProj` of the tower's pooled output, as `model.embedImages`), from
 * one forward per batch.
 */
export async function embedImages(model: VisionLanguageModel, dataset: Dataset, joint: boolean, batchSize = 64): Promise<{ emb?: HostMatrix; features: HostMatrix }> {
  const out = await collectMany(dataset.size, batchSize, (s, e) => tf.tidy(() => {
    const enc = model.encodeImage(imageBatch(dataset, s, e), {}, EVAL);
    const features = meanPatchState(enc.hidden);
    return joint ? [features, model.imageProj.apply(enc.pooled)] : [features];
  }));
  return { features: out[0], emb: out[1] };
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

/**
 * Probe features of captions [M, Dt] (mean of the text tower's final states over real tokens; LiT:
 * the frozen sentence embedding) and, with `joint`, their joint-space embeddings [M, E] (as
 * `embedCaptions`), from one forward per batch.
 */
export async function captionFeatures(
  model: VisionLanguageModel,
  tokenizer: SubwordTokenizer,
  captions: string[],
  maxLen: number,
  joint = false,
  batchSize = 128,
): Promise<{ features: HostMatrix; emb?: HostMatrix }> {
  if (model.frozenText) await model.frozenText.ensure(captions);
  const out = await collectMany(captions.length, batchSize, (s, e) =>
    tf.tidy(() => {
      if (model.frozenText) {
        const texts = captions.slice(s, e);
        return joint ? [model.frozenText.lookup(texts), model.embedFrozenTexts(texts)] : [model.frozenText.lookup(texts)];
      }
      const { ids, attention } = encodeCaptions(tokenizer, captions.slice(s, e), maxLen);
      const enc = model.encodeText(ids, attention, EVAL);
      const w = attention.expandDims(2); // [B, T, 1]
      const features = enc.hidden.mul(w).sum(1).div(w.sum(1).maximum(1)) as tf.Tensor2D;
      return joint ? [features, model.textProj.apply(enc.pooled)] : [features];
    }),
  );
  return { features: out[0], emb: out[1] };
}
