/**
 * Plain inputs accepted by every evaluator, and the conversions to tensors / JS arrays.
 *
 * Evaluators never own the tensors they are given: a `tf.Tensor` argument is read, never disposed.
 * Arrays (nested or flat-with-shape) are turned into tensors inside `tf.tidy` and freed there.
 */
import * as tf from '@tensorflow/tfjs';
import { l2Normalize } from '../core/select';

/** A dense float array: a tensor, nested JS arrays, or a flat array with its shape. */
export type DenseInput = tf.Tensor | number[] | number[][] | number[][][] | { data: ArrayLike<number>; shape: number[] };

/** Integers (labels, indices): a JS array, a typed array, or a 1-D tensor. */
export type IntInput = ArrayLike<number> | tf.Tensor;

/** Shape of a dense input without converting it. */
export function shapeOf(x: DenseInput): number[] {
  if (x instanceof tf.Tensor) return x.shape.slice();
  if (!Array.isArray(x)) return x.shape.slice();
  const shape: number[] = [];
  let cur: unknown = x;
  while (Array.isArray(cur)) {
    shape.push(cur.length);
    cur = cur[0];
  }
  return shape;
}

/**
 * A float32 tensor of rank `rank` from `x`. Call inside `tf.tidy` when `x` may be an array,
 * so the created tensor is freed with the scope.
 */
export function asTensor(x: DenseInput, name: string, rank: number): tf.Tensor {
  const shape = shapeOf(x);
  if (shape.length !== rank) throw new Error(`${name}: expected rank ${rank}, got shape [${shape}]`);
  if (x instanceof tf.Tensor) return x.dtype === 'float32' ? x : tf.cast(x, 'float32');
  if (Array.isArray(x)) return tf.tensor(x as number[], shape, 'float32');
  const size = shape.reduce((a, b) => a * b, 1);
  if (x.data.length !== size) {
    throw new Error(`${name}: data has ${x.data.length} values but shape [${shape}] needs ${size}`);
  }
  return tf.tensor(Float32Array.from(x.data), shape, 'float32');
}

/** `asTensor` for matrices `[rows, cols]`. */
export function asMatrix(x: DenseInput, name: string): tf.Tensor2D {
  return asTensor(x, name, 2) as tf.Tensor2D;
}

/** Integers of `x` as an Int32Array (reads a tensor synchronously; labels are small). */
export function toInts(x: IntInput, name: string): Int32Array {
  if (x instanceof tf.Tensor) {
    if (x.rank !== 1) throw new Error(`${name}: expected a 1-D tensor, got shape [${x.shape}]`);
    return Int32Array.from(x.dataSync());
  }
  const out = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (!Number.isInteger(v)) throw new Error(`${name}[${i}] = ${v} is not an integer`);
    out[i] = v;
  }
  return out;
}

/** Throw unless `ints` has `length` entries, all in [0, bound). */
export function checkIndices(ints: Int32Array, name: string, length: number, bound: number, boundName: string): void {
  if (ints.length !== length) throw new Error(`${name}: expected ${length} entries, got ${ints.length}`);
  for (let i = 0; i < ints.length; i++) {
    if (ints[i] < 0 || ints[i] >= bound) {
      throw new Error(`${name}[${i}] = ${ints[i]} is outside [0, ${bound}) (${boundName})`);
    }
  }
}

/** Throw unless two dimensions agree, naming both arguments and shapes. */
export function checkDim(a: number[], aName: string, ai: number, b: number[], bName: string, bi: number): void {
  if (a[ai] !== b[bi]) {
    throw new Error(`${aName} [${a}] and ${bName} [${b}] disagree: dim ${ai} is ${a[ai]} vs dim ${bi} is ${b[bi]}`);
  }
}

/** L2-normalise the rows of a `[R, D]` matrix (zero rows stay zero): the core's l2Normalize, eps 1e-12. */
export function l2NormalizeRows(x: tf.Tensor2D): tf.Tensor2D {
  return l2Normalize(x, 1e-12);
}

/** Read a tensor to a fresh Float32Array and dispose it (use outside `tf.tidy`). */
export async function readAndDispose(t: tf.Tensor): Promise<Float32Array> {
  try {
    return Float32Array.from(await t.data());
  } finally {
    t.dispose();
  }
}

/** Median of a list of numbers (mean of the two middle values when the count is even). */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) return NaN;
  const s = Array.from(values).sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m] : (s[m - 1] + s[m]) / 2;
}

export function mean(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i];
  return values.length === 0 ? NaN : s / values.length;
}

/** Paired image and caption embeddings: rows of `[N, D]` images, `[M, D]` captions, caption j of image `textToImage[j]`. */
export interface PairedInput {
  imageEmb: DenseInput;
  textEmb: DenseInput;
  /** `[M]`; default caption j of image j (needs M = N). */
  textToImage?: IntInput;
}

/**
 * The owned `[N, D]` / `[M, D]` tensors of a paired input (rows L2-normalised when `normalize`),
 * checked for equal widths, finite values and a valid `textToImage` (errors start with `who`).
 * The caller disposes `img` and `txt`; on a throw nothing is left behind.
 */
export async function pairedEmbeddings(
  input: PairedInput, normalize: boolean, who: string,
): Promise<{ img: tf.Tensor2D; txt: tf.Tensor2D; textToImage: Int32Array }> {
  const [img, txt] = tf.tidy(() => {
    const i = asMatrix(input.imageEmb, `${who}: imageEmb`);
    const t = asMatrix(input.textEmb, `${who}: textEmb`);
    checkDim(i.shape, 'imageEmb', 1, t.shape, 'textEmb', 1);
    return normalize ? [l2NormalizeRows(i), l2NormalizeRows(t)] : [i.clone(), t.clone()];
  });
  try {
    await assertFinite(img, `${who}: imageEmb`);
    await assertFinite(txt, `${who}: textEmb`);
    const N = img.shape[0];
    const M = txt.shape[0];
    if (input.textToImage == null && M !== N) {
      throw new Error(`${who}: textToImage is required when textEmb has ${M} rows and imageEmb has ${N}`);
    }
    const textToImage = input.textToImage == null ? Int32Array.from({ length: M }, (_, j) => j) : toInts(input.textToImage, 'textToImage');
    checkIndices(textToImage, `${who}: textToImage`, M, N, 'imageEmb rows');
    return { img, txt, textToImage };
  } catch (e) {
    img.dispose();
    txt.dispose();
    throw e;
  }
}

/** Throw if `x` holds NaN or ±Inf: comparisons with NaN are false and would fake perfect ranks. */
export async function assertFinite(x: tf.Tensor, name: string): Promise<void> {
  const bad = await readAndDispose(tf.tidy(() => tf.logicalNot(tf.isFinite(x)).any().cast('float32')));
  if (bad[0] !== 0) throw new Error(`${name} [${x.shape}] contains NaN or Inf values`);
}

/** `assertFinite` for a tensor the caller owns: disposes it before throwing; returns it otherwise. */
export async function finiteOwned<T extends tf.Tensor>(x: T, name: string): Promise<T> {
  try {
    await assertFinite(x, name);
    return x;
  } catch (e) {
    x.dispose();
    throw e;
  }
}
