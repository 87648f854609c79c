/**
 * Zero-shot classification (CLIP-style prompt ensembles): each class's text embeddings are
 * L2-normalised per template, averaged over templates and re-normalised; an image's class is the
 * one of highest cosine similarity. Reports top-1, top-k (k = min(5, C)) and balanced accuracy.
 *
 * Ties count against the model: an image is correct at k only when fewer than k other classes score
 * at least as high as its true class. So constant embeddings score 0, never the majority share
 * (a plain argmax would hand every tie to class 0).
 */
import * as tf from '@tensorflow/tfjs';
import { DenseInput, IntInput, asMatrix, asTensor, checkDim, finiteOwned, checkIndices, l2NormalizeRows, shapeOf, toInts } from './inputs';
import { buildPrompts } from './templates';

/** Embeds texts: returns `[texts.length, D]`. A returned tensor is disposed by the caller (zeroShot). */
export type TextEncoderFn = (texts: string[]) => DenseInput | Promise<DenseInput>;

export interface ZeroShotInput {
  /** `[N, D]` image embeddings. */
  imageEmb: DenseInput;
  /** `[N]` true class of each image, in [0, C). */
  labels: IntInput;
  /** `[C, K, D]` (K templates per class) or `[C, D]` class text embeddings. Or give the three below. */
  classTextEmb?: DenseInput;
  /** `[C]` class names, filled into `templates` and embedded with `encodeText`. */
  classNames?: readonly string[];
  /** `[K]` templates with a `{}` placeholder (see PROMPT_TEMPLATES). */
  templates?: readonly string[];
  encodeText?: TextEncoderFn;
  /** Top-k cut-off (default 5; clipped to C). */
  topK?: number;
}

export interface ZeroShotResult {
  top1: number;
  /** Accuracy at k = `k` (= min(topK, C)): the true class is among the k most similar. */
  topKAccuracy: number;
  k: number;
  /** Mean over classes present in `labels` of per-class recall (sklearn's balanced_accuracy_score). */
  balancedAccuracy: number;
  /** `[C]` recall per class; NaN for classes absent from `labels`. */
  perClassRecall: number[];
  /** `[N]` predicted class per image (argmax; ties to the lowest index — use `correct` for scores). */
  predictions: Int32Array;
  /** `[N]` 1 when the image's true class strictly beats every other class, else 0. */
  correct: Uint8Array;
  /** `[N]` 1 when fewer than k other classes score at least as high as the true class. */
  topKCorrect: Uint8Array;
}

export async function zeroShot(input: ZeroShotInput): Promise<ZeroShotResult> {
  const classEmb = await classTextTensor(input); // owned, [C, K, D]
  try {
    const C = classEmb.shape[0];
    if (C < 1) throw new Error('zeroShot: no classes');
    const k = Math.min(input.topK ?? 5, C);
    const imgShape = shapeOf(input.imageEmb);
    checkDim(imgShape, 'imageEmb', 1, classEmb.shape, 'classTextEmb', 2);
    const labels = toInts(input.labels, 'zeroShot: labels');
    checkIndices(labels, 'zeroShot: labels', imgShape[0], C, 'number of classes');
    const img = await finiteOwned(
      tf.tidy(() => l2NormalizeRows(asMatrix(input.imageEmb, 'zeroShot: imageEmb'))), 'zeroShot: imageEmb'); // [N, D]
    const simsT = tf.tidy(() => {
      const perTemplate = classEmb.div(classEmb.square().sum(2, true).sqrt().maximum(1e-12)); // [C, K, D]
      const proto = l2NormalizeRows(perTemplate.mean(1) as tf.Tensor2D); // [C, D]
      return tf.matMul(img, proto.transpose()); // [N, C]
    });
    img.dispose();
    const sims = (await simsT.data()) as Float32Array;
    simsT.dispose();
    return score(sims, labels, C, k);
  } finally {
    classEmb.dispose();
  }
}

/** Scores from similarities `sims` [N, C] (row-major), ties against the model. */
function score(sims: Float32Array, labels: Int32Array, C: number, k: number): ZeroShotResult {
  const N = labels.length;
  const predictions = new Int32Array(N);
  const correct = new Uint8Array(N);
  const topKCorrect = new Uint8Array(N);
  const support = new Array<number>(C).fill(0);
  const hits = new Array<number>(C).fill(0);
  for (let i = 0; i < N; i++) {
    const row = sims.subarray(i * C, (i + 1) * C);
    const truth = row[labels[i]];
    let rivals = 0; // other classes scoring at least as high as the true one
    let best = 0;
    for (let c = 0; c < C; c++) {
      if (c !== labels[i] && row[c] >= truth) rivals++;
      if (row[c] > row[best]) best = c;
    }
    predictions[i] = best;
    correct[i] = rivals === 0 ? 1 : 0;
    topKCorrect[i] = rivals < k ? 1 : 0;
    support[labels[i]]++;
    hits[labels[i]] += correct[i];
  }
  const perClassRecall = support.map((s, c) => (s > 0 ? hits[c] / s : NaN));
  const present = perClassRecall.filter((r) => !Number.isNaN(r));
  return {
    top1: correct.reduce((a, b) => a + b, 0) / N,
    topKAccuracy: topKCorrect.reduce((a, b) => a + b, 0) / N,
    k,
    balancedAccuracy: present.reduce((a, b) => a + b, 0) / present.length,
    perClassRecall,
    predictions,
    correct,
    topKCorrect,
  };
}

/** The class text embeddings as an owned `[C, K, D]` tensor, from either input form. */
async function classTextTensor(input: ZeroShotInput): Promise<tf.Tensor3D> {
  if (input.classTextEmb != null) {
    const shape = shapeOf(input.classTextEmb);
    if (shape.length !== 2 && shape.length !== 3) {
      throw new Error(`zeroShot: classTextEmb must be [C, K, D] or [C, D], got [${shape}]`);
    }
    const t = tf.tidy(() => {
      const x = asTensor(input.classTextEmb!, 'zeroShot: classTextEmb', shape.length);
      return (shape.length === 2 ? x.expandDims(1) : x.clone()) as tf.Tensor3D;
    });
    return finiteOwned(t, 'zeroShot: class text embeddings');
  }
  const { classNames, templates, encodeText } = input;
  if (!classNames || !templates || !encodeText) {
    throw new Error('zeroShot: give classTextEmb, or classNames + templates + encodeText');
  }
  const prompts = buildPrompts(classNames, templates);
  const encoded = await encodeText(prompts);
  try {
    const t = tf.tidy(() => {
      const e = asMatrix(encoded, 'zeroShot: encodeText(prompts)'); // [C*K, D]
      if (e.shape[0] !== prompts.length) {
        throw new Error(`zeroShot: encodeText returned [${e.shape}] for ${prompts.length} prompts`);
      }
      // [C*K, D] -> [C, K, D]: prompts are class-major.
      return e.reshape([classNames.length, templates.length, e.shape[1]]) as tf.Tensor3D;
    });
    return finiteOwned(t, 'zeroShot: class text embeddings');
  } finally {
    if (encoded instanceof tf.Tensor) encoded.dispose();
  }
}
