/**
 * Pictures for notebooks: float images to one labelled PNG grid, and masked patches greyed out.
 * Show the PNG in a tslab notebook with `display.png(png)` (`import { display } from 'tslab'`).
 */
import * as tf from '@tensorflow/tfjs';
import sharp, { OverlayOptions } from 'sharp';
import { toUint8 } from '../data/image';

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

const escapeXml = (s: string) => s.replace(/[<>&'"]/g, (c) => `&#${c.charCodeAt(0)};`);

/** Greedy word wrap to `width` characters, at most `lines` lines (a cut line ends in '…'). */
export function wrapText(text: string, width: number, lines: number): string[] {
  const out: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const piece = word.length > width ? word.slice(0, width - 1) + '…' : word;
    if (line && line.length + 1 + piece.length > width) {
      out.push(line);
      line = piece;
    } else line = line ? `${line} ${piece}` : piece;
  }
  if (line) out.push(line);
  if (out.length > lines) {
    out.length = lines;
    out[lines - 1] = out[lines - 1].slice(0, width - 1) + '…';
  }
  return out;
}

/** A PNG of the images in a grid, each upscaled to `cellSize` with its label underneath. */
export async function imageGrid(o: ImageGridOptions): Promise<Buffer> {
  const raws = toRaw(o);
  if (raws.length === 0) throw new Error('imageGrid: images is empty');
  if (o.labels && o.labels.length !== raws.length) throw new Error(`imageGrid: ${o.labels.length} labels for ${raws.length} images`);
  const cell = o.cellSize ?? 96;
  const columns = Math.max(1, Math.min(o.columns ?? 8, raws.length));
  const fontSize = 11;
  const lines = o.labels ? (o.lines ?? 2) : 0;
  const pad = 4;
  const cw = cell + 2 * pad;
  const ch = cell + 2 * pad + (lines ? lines * (fontSize + 2) + 4 : 0);
  const tiles: OverlayOptions[] = [];
  const texts: string[] = [];
  for (let i = 0; i < raws.length; i++) {
    const { pixels, h, w } = raws[i];
    const left = (i % columns) * cw + pad;
    const top = Math.floor(i / columns) * ch + pad;
    const input = await sharp(Buffer.from(toUint8(pixels)), { raw: { width: w, height: h, channels: 3 } })
      .resize(cell, cell, { kernel: 'nearest', fit: 'contain', background: '#ffffff' })
      .png()
      .toBuffer();
    tiles.push({ input, left, top });
    const label = o.labels?.[i] ?? '';
    wrapText(label, Math.floor(cell / (fontSize * 0.55)), lines).forEach((l, k) => {
      texts.push(`<text x="${left}" y="${top + cell + (k + 1) * (fontSize + 2)}">${escapeXml(l)}</text>`);
    });
  }
  const width = columns * cw;
  const height = Math.ceil(raws.length / columns) * ch;
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}"><g font-family="DejaVu Sans, sans-serif" font-size="${fontSize}" fill="#222">${texts.join('')}</g></svg>`;
  return sharp({ create: { width, height, channels: 3, background: '#ffffff' } })
    .composite([...tiles, { input: Buffer.from(svg), left: 0, top: 0 }])
    .png()
    .toBuffer();
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
