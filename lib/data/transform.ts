/**
 * The image pipeline after decoding: optional seeded augmentation (random resized crop,
 * horizontal flip; both off by default) and per-channel normalisation, all on float arrays in JS
 * (no tensors, so nothing to leak; the batcher makes one tensor per batch).
 */
import { Rng } from '../random';
import { resizeBilinear } from './image';

export interface Normalisation {
  /** Per-channel (R, G, B) mean and standard deviation, applied as (x - mean) / std. */
  mean: [number, number, number];
  std: [number, number, number];
}

/** Identity: images stay in [0, 1]. */
export const NO_NORMALISATION: Normalisation = { mean: [0, 0, 0], std: [1, 1, 1] };
/** Maps [0, 1] to [-1, 1]. */
export const HALF_NORMALISATION: Normalisation = { mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] };
/** The ImageNet statistics used by CLIP-style towers. */
export const IMAGENET_NORMALISATION: Normalisation = { mean: [0.485, 0.456, 0.406], std: [0.229, 0.224, 0.225] };

export interface Augmentation {
  /** Random resized crop (Inception-style): area fraction and aspect-ratio ranges. */
  randomResizedCrop?: { scale?: [number, number]; ratio?: [number, number] };
  /** Flip left-right with probability 0.5. Off for emoji: their orientation carries meaning. */
  horizontalFlip?: boolean;
}

/** Augment a float32 [S, S, 3] image with draws from `rng` (returns a new array). */
export function augmentImage(image: Float32Array, size: number, aug: Augmentation, rng: Rng): Float32Array {
  let out = image;
  if (aug.randomResizedCrop) {
    const [smin, smax] = aug.randomResizedCrop.scale ?? [0.5, 1];
    const [rmin, rmax] = aug.randomResizedCrop.ratio ?? [3 / 4, 4 / 3];
    const area = rng.uniform(smin, smax) * size * size;
    const ratio = Math.exp(rng.uniform(Math.log(rmin), Math.log(rmax)));
    const w = Math.min(size, Math.sqrt(area * ratio));
    const h = Math.min(size, Math.sqrt(area / ratio));
    const crop = { y: rng.uniform(0, size - h), x: rng.uniform(0, size - w), h, w };
    out = resizeBilinear(out, size, size, size, size, crop);
  }
  if (aug.horizontalFlip && rng.next() < 0.5) out = flipHorizontal(out, size);
  return out === image ? image.slice() : out;
}

/** Mirror float32 [S, S, 3] left-right. */
export function flipHorizontal(image: Float32Array, size: number): Float32Array {
  const out = new Float32Array(image.length);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const from = (y * size + (size - 1 - x)) * 3;
      const to = (y * size + x) * 3;
      out[to] = image[from];
      out[to + 1] = image[from + 1];
      out[to + 2] = image[from + 2];
    }
  }
  return out;
}

/** Normalise float32 [S, S, 3] into `out` at `offset` (values per channel: (x - mean) / std). */
export function normaliseInto(image: Float32Array, norm: Normalisation, out: Float32Array, offset: number): void {
  for (let c = 0; c < 3; c++) {
    if (!(norm.std[c] > 0)) throw new Error(`normalisation: std[${c}] must be > 0, got ${norm.std[c]}`);
  }
  for (let i = 0; i < image.length; i += 3) {
    for (let c = 0; c < 3; c++) out[offset + i + c] = (image[i + c] - norm.mean[c]) / norm.std[c];
  }
}
