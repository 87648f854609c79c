/**
 * Alignment probe: how well can two *frozen* towers be aligned by linear maps alone? Fresh image and
 * text projections (and a temperature) are fitted with the CLIP loss on frozen train-split features,
 * for a fixed small budget, then used to embed eval features for retrieval and zero-shot. It gives a
 * masked-only arm (whose own projections were never trained) a real retrieval number, and run on
 * every arm from fresh projections it compares all arms on one protocol.
 *
 * Cheap by design: features are computed once on the host; a step is two small matMuls.
 */
import * as tf from '@tensorflow/tfjs';
import { clipLoss } from '../losses';
import { Rng } from '../random';
import { DenseInput, IntInput, asMatrix, checkIndices, finiteOwned, l2NormalizeRows, shapeOf, toInts } from './inputs';

export interface AlignmentProbeInput {
  /** `[N, Di]` frozen image features of the train split. */
  imageX: DenseInput;
  /** `[M, Dt]` frozen caption features of the train split. */
  textX: DenseInput;
  /** `[M]` image row of each caption. */
  textToImage: IntInput;
  /** Width E of the joint space fitted. */
  embedDim: number;
  /** CLIP steps (default 200). */
  steps?: number;
  /** Images per step, each with one of its captions drawn at random (default 128, capped at N). */
  batchSize?: number;
  /** Adam learning rate (default 0.01). */
  lr?: number;
  /** Seeds the projections' init and the batches. */
  seed: number;
}

/** The fitted maps (own tensors: call `dispose`). */
export interface AlignmentProbe {
  /** `[R, Di]` image features -> unit-norm `[R, E]` (tensor owned by the caller). */
  embedImages(x: DenseInput): tf.Tensor2D;
  /** `[R, Dt]` caption features -> unit-norm `[R, E]`. */
  embedTexts(x: DenseInput): tf.Tensor2D;
  /** CLIP loss of the last step (log B at chance). */
  finalLoss: number;
  dispose(): void;
}

const INIT_LOG_SCALE = Math.log(1 / 0.07);
const MAX_LOG_SCALE = Math.log(100);

/** Standardisation (train mean/std) and a seeded linear map `[D, E]` of one modality. */
class Side {
  readonly mean: tf.Tensor1D;
  readonly std: tf.Tensor1D;
  readonly w: tf.Variable;

  constructor(x: tf.Tensor2D, embedDim: number, rng: Rng) {
    const D = x.shape[1];
    [this.mean, this.std] = tf.tidy(() => {
      const { mean, variance } = tf.moments(x, 0);
      return [mean as tf.Tensor1D, tf.where(variance.greater(1e-12), variance.sqrt(), tf.onesLike(variance)) as tf.Tensor1D];
    });
    const init = Float32Array.from({ length: D * embedDim }, () => rng.normal() / Math.sqrt(D));
    this.w = tf.tidy(() => tf.variable(tf.tensor2d(init, [D, embedDim]), true)); // tidy frees the initial tensor
  }

  /** `[R, D]` -> standardised `[R, D]`. */
  standardise(x: tf.Tensor2D): tf.Tensor2D {
    return x.sub(this.mean).div(this.std) as tf.Tensor2D;
  }

  /** Standardised `[R, D]` -> unit-norm `[R, E]`. */
  project(z: tf.Tensor2D): tf.Tensor2D {
    return l2NormalizeRows(tf.matMul(z, this.w));
  }

  dispose(): void {
    tf.dispose([this.mean, this.std, this.w]);
  }
}

export async function fitAlignmentProbe(input: AlignmentProbeInput): Promise<AlignmentProbe> {
  const { embedDim, steps = 200, lr = 0.01, seed } = input;
  const is = shapeOf(input.imageX);
  const ts = shapeOf(input.textX);
  if (is.length !== 2 || ts.length !== 2) throw new Error(`alignmentProbe: imageX [${is}] and textX [${ts}] must be [rows, D]`);
  if (!Number.isInteger(embedDim) || embedDim < 1) throw new Error(`alignmentProbe: embedDim must be a positive integer, got ${embedDim}`);
  const owner = toInts(input.textToImage, 'alignmentProbe: textToImage');
  checkIndices(owner, 'alignmentProbe: textToImage', ts[0], is[0], 'imageX rows');
  const captionsOf: number[][] = Array.from({ length: is[0] }, () => []);
  owner.forEach((img, j) => captionsOf[img].push(j));
  const images = captionsOf.map((c, i) => (c.length ? i : -1)).filter((i) => i >= 0);
  if (images.length < 2) throw new Error(`alignmentProbe: ${images.length} captioned train images; the CLIP loss needs ≥ 2`);
  const B = Math.min(input.batchSize ?? 128, images.length);

  const imageX = await finiteOwned(tf.tidy(() => asMatrix(input.imageX, 'alignmentProbe: imageX').clone()), 'alignmentProbe: imageX');
  const textX = await finiteOwned(tf.tidy(() => asMatrix(input.textX, 'alignmentProbe: textX').clone()), 'alignmentProbe: textX');
  const rng = new Rng(seed);
  const image = new Side(imageX, embedDim, rng.fork('image'));
  const text = new Side(textX, embedDim, rng.fork('text'));
  // standardised once: a step is then two gathers, two matMuls and the loss
  const imageZ = tf.tidy(() => image.standardise(imageX));
  const textZ = tf.tidy(() => text.standardise(textX));
  const logScale = tf.tidy(() => tf.variable(tf.scalar(INIT_LOG_SCALE), true));
  const opt = tf.train.adam(lr);
  const batchRng = rng.fork('batches');
  let order = batchRng.permutation(images.length);
  let pos = 0;
  let last: tf.Scalar | null = null;
  try {
    for (let step = 0; step < steps; step++) {
      if (pos + B > order.length) { order = batchRng.permutation(images.length); pos = 0; }
      const rows = order.slice(pos, pos + B).map((k) => images[k]);
      pos += B;
      const captions = rows.map((i) => captionsOf[i][batchRng.int(captionsOf[i].length)]);
      last?.dispose();
      last = tf.tidy(() => {
        const zi = tf.gather(imageZ, tf.tensor1d(rows, 'int32'));
        const zt = tf.gather(textZ, tf.tensor1d(captions, 'int32'));
        return opt.minimize(() => clipLoss({ imageEmb: image.project(zi), textEmb: text.project(zt), logitScale: logScale.exp() as tf.Scalar }), true, [image.w, text.w, logScale])!;
      });
      tf.tidy(() => logScale.assign(tf.clipByValue(logScale, 0, MAX_LOG_SCALE) as tf.Scalar));
    }
  } finally {
    opt.dispose();
    tf.dispose([imageX, textX, imageZ, textZ]);
  }
  const finalLoss = last ? (await last.data())[0] : NaN;
  last?.dispose();
  logScale.dispose();
  const embedWith = (side: Side, who: string) => (x: DenseInput) => tf.tidy(() => side.project(side.standardise(asMatrix(x, who))));
  return {
    embedImages: embedWith(image, 'alignmentProbe.embedImages'),
    embedTexts: embedWith(text, 'alignmentProbe.embedTexts'),
    finalLoss,
    dispose: () => { image.dispose(); text.dispose(); },
  };
}
