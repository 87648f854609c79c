/**
 * Pictures for notebooks: float images to one labelled PNG grid, and masked patches greyed out.
 * Show the PNG in a tslab notebook with `display.png(png)` (`import { display } from 'tslab'`).
 */
import * as tf from '@tensorflow/tfjs';
import { labelledGrid } from '../data/preview';

export { wrapText } from '../data/preview';

/** One image [H, W, 3] (values in [0, 1], clipped), or a batch [B, H, W, 3] / one [H, W, 3] tensor. */
export type ImageLike = Float32Array | tf.Tensor3D | tf.Tensor4D;

export interface ImageGridOptions {
  /** The images; each [S, S, 3] (or [H, W, 3] with `height`/`width`), values in [0, 1]. */
  images: ImageLike[] | tf.Tensor4D;
  /** A caption under each image (at most `lines` wrapped lines). */
  labels?: string[];
  /** Images per row; default min(count, 8). */
  columns?: number;
  /** Side of each cell in pixels (nearest-neighbour upscaled); default 96. */
  cellSize?: number;
  /** Lines of caption under each image; default 2 when labels are given. */
  lines?: number;
  /** Size of Float32Array images; default square, side sqrt(length / 3). */
  height?: number;
  width?: number;
}

interface Raw {
  pixels: Float32Array;
  h: number;
  w: number;
}

function squareSide(length: number, i: number): number {
  const side = Math.round(Math.sqrt(length / 3));
  if (side * side * 3 !== length) throw new Error(`imageGrid: images[${i}] has ${length} values, not a square [S, S, 3] image; pass height and width`);
  return side;
}

/** Every image as host pixels (tensors are read, not disposed). */
function toRaw(o: ImageGridOptions): Raw[] {
  const list: ImageLike[] = Array.isArray(o.images) ? o.images : [o.images];
  const out: Raw[] = [];
  list.forEach((img, i) => {
    if (img instanceof Float32Array) {
      const h = o.height ?? squareSide(img.length, i);
      const w = o.width ?? h;
      if (h * w * 3 !== img.length) throw new Error(`imageGrid: images[${i}] has ${img.length} values, expected [${h}, ${w}, 3] = ${h * w * 3}`);
      out.push({ pixels: img, h, w });
      return;
    }
    const shape = img.shape;
    if (shape[shape.length - 1] !== 3 || (img.rank !== 3 && img.rank !== 4)) {
      throw new Error(`imageGrid: images[${i}] must be [H, W, 3] or [B, H, W, 3], got [${shape}]`);
    }
    const [h, w] = shape.slice(-3, -1);
    const data = img.dataSync() as Float32Array;
    const n = img.rank === 4 ? shape[0] : 1;
    for (let b = 0; b < n; b++) out.push({ pixels: data.slice(b * h * w * 3, (b + 1) * h * w * 3), h, w });
  });
  return out;
}

/** A PNG of the images in a grid, each upscaled to `cellSize` with its label underneath. */
export async function imageGrid(o: ImageGridOptions): Promise<Buffer> {
  const raws = toRaw(o);
  if (raws.length === 0) throw new Error('imageGrid: images is empty');
  if (o.labels && o.labels.length !== raws.length) throw new Error(`imageGrid: ${o.labels.length} labels for ${raws.length} images`);
  const cells = raws.map((r, i) => ({ ...r, label: o.labels?.[i] ?? '' }));
  const columns = Math.max(1, Math.min(o.columns ?? 8, raws.length));
  const lines = o.labels ? (o.lines ?? 2) : 0;
  return labelledGrid(cells, { columns, cellSize: o.cellSize ?? 96, lines, pad: 4, background: '#ffffff' });
}

export interface MaskPatchesOptions {
  /** [S, S, 3] image, values in [0, 1]. */
  image: Float32Array;
  /** [N] with N = (S/p)², row-major patch grid, 1 = masked. */
  mask: ArrayLike<number>;
  /** Patch side p in pixels. */
  patchSize: number;
  /** Grey level of masked patches; default 0.55. */
  grey?: number;
}

/** A copy of the image with masked patches painted grey (as MAE's figures draw them). */
export function maskPatches({ image, mask, patchSize: p, grey = 0.55 }: MaskPatchesOptions): Float32Array {
  const S = squareSide(image.length, 0);
  const g = S / p;
  if (!Number.isInteger(g) || mask.length !== g * g) {
    throw new Error(`maskPatches: mask has ${mask.length} entries; a ${S}x${S} image with patchSize ${p} has ${Number.isInteger(g) ? g * g : 'no whole number of'} patches`);
  }
  const out = Float32Array.from(image);
  for (let y = 0; y < S; y++) {
    for (let x = 0; x < S; x++) {
      if (mask[Math.floor(y / p) * g + Math.floor(x / p)] !== 1) continue;
      out.fill(grey, (y * S + x) * 3, (y * S + x) * 3 + 3);
    }
  }
  return out;
}
