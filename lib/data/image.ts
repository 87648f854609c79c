/**
 * Pixels: decoding files with sharp (PNG, JPEG, WebP; alpha flattened on white) into uint8 RGB,
 * uint8 -> float in [0, 1], and a bilinear crop-and-resize for float images (augmentation, mnist).
 */
import sharp from 'sharp';

/** A crop rectangle in source pixels (may be fractional). */
export interface CropBox {
  y: number;
  x: number;
  h: number;
  w: number;
}

/**
 * Decode an image file (or buffer) to uint8 RGB [size, size, 3]: alpha flattened on white, resized
 * so the shorter side is `size` and centre-cropped (square inputs are just resized).
 */
export async function decodeImage(input: string | Buffer, size: number): Promise<Uint8Array> {
  const { data, info } = await sharp(input)
    .flatten({ background: '#ffffff' })
    .resize(size, size, { fit: 'cover' })
    .raw()
    .toBuffer({ resolveWithObject: true });
  return toRgb(new Uint8Array(data.buffer, data.byteOffset, data.length), info.channels, size * size);
}

/** Expand grey (1 channel) or drop alpha (2/4 channels) so every pixel has exactly 3 values. */
function toRgb(data: Uint8Array, channels: number, pixels: number): Uint8Array {
  if (channels === 3) return data;
  const out = new Uint8Array(pixels * 3);
  for (let p = 0; p < pixels; p++) {
    for (let c = 0; c < 3; c++) out[p * 3 + c] = data[p * channels + (channels < 3 ? 0 : c)];
  }
  return out;
}

/** uint8 [H, W, 3] -> float32 [H, W, 3] in [0, 1]. */
export function toFloat(pixels: Uint8Array): Float32Array {
  const out = new Float32Array(pixels.length);
  for (let i = 0; i < pixels.length; i++) out[i] = pixels[i] / 255;
  return out;
}

/** float32 [H, W, 3] in [0, 1] -> uint8 [H, W, 3] (rounded, clamped). */
export function toUint8(image: Float32Array): Uint8Array {
  const out = new Uint8Array(image.length);
  for (let i = 0; i < image.length; i++) out[i] = Math.round(Math.min(1, Math.max(0, image[i])) * 255);
  return out;
}

/**
 * Bilinear resample of `crop` (default: the whole image) of `src` [h, w, C] to [outH, outW, C]
 * (pixel centres aligned, as `tf.image.cropAndResize` without extrapolation).
 */
export function resizeBilinear(
  src: Float32Array,
  h: number,
  w: number,
  outH: number,
  outW: number,
  crop: CropBox = { y: 0, x: 0, h, w },
  channels = 3,
): Float32Array {
  if (src.length !== h * w * channels) {
    throw new Error(`resizeBilinear: src has ${src.length} values, expected [${h}, ${w}, ${channels}] = ${h * w * channels}`);
  }
  const out = new Float32Array(outH * outW * channels);
  for (let oy = 0; oy < outH; oy++) {
    const sy = clamp(crop.y + ((oy + 0.5) * crop.h) / outH - 0.5, 0, h - 1);
    const y0 = Math.floor(sy);
    const y1 = Math.min(y0 + 1, h - 1);
    const fy = sy - y0;
    for (let ox = 0; ox < outW; ox++) {
      const sx = clamp(crop.x + ((ox + 0.5) * crop.w) / outW - 0.5, 0, w - 1);
      const x0 = Math.floor(sx);
      const x1 = Math.min(x0 + 1, w - 1);
      const fx = sx - x0;
      for (let c = 0; c < channels; c++) {
        const a = src[(y0 * w + x0) * channels + c];
        const b = src[(y0 * w + x1) * channels + c];
        const d = src[(y1 * w + x0) * channels + c];
        const e = src[(y1 * w + x1) * channels + c];
        const top = a + (b - a) * fx;
        const bottom = d + (e - d) * fx;
        out[(oy * outW + ox) * channels + c] = top + (bottom - top) * fy;
      }
    }
  }
  return out;
}

function clamp(v: number, lo: number, hi: number): number {
  return v < lo ? lo : v > hi ? hi : v;
}
