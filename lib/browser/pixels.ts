/**
 * Pictures to the model's input: [S, S, 3] float32 in [0, 1], as mvlm's image pipeline makes them
 * (alpha flattened on white, the shorter side scaled to S and centre-cropped). The browser's canvas
 * resamples (mvlm uses sharp's Lanczos in Node), so a picture already S×S is the exact input.
 */
import * as tf from '@tensorflow/tfjs';

/** Anything a canvas can draw, or decoded pixels. */
export type Picture = ImageData | HTMLImageElement | HTMLCanvasElement | ImageBitmap;

function sizeOf(p: Exclude<Picture, ImageData>): { w: number; h: number } {
  if (p instanceof HTMLImageElement) return { w: p.naturalWidth, h: p.naturalHeight };
  return { w: p.width, h: p.height };
}

/** RGBA bytes [S, S, 4] of `picture`, scaled to cover S×S and centre-cropped, on white. */
function rgbaAt(picture: Picture, S: number): Uint8ClampedArray {
  if (picture instanceof ImageData && picture.width === S && picture.height === S) return picture.data;
  const canvas = document.createElement('canvas');
  canvas.width = S;
  canvas.height = S;
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('imagePixels: no 2d canvas context');
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, S, S);
  let source: Exclude<Picture, ImageData>;
  if (picture instanceof ImageData) {
    source = document.createElement('canvas');
    source.width = picture.width;
    source.height = picture.height;
    source.getContext('2d')!.putImageData(picture, 0, 0);
  } else source = picture;
  const { w, h } = sizeOf(source);
  if (w === 0 || h === 0) throw new Error(`imagePixels: the picture is ${w}×${h} (not loaded yet?)`);
  const scale = S / Math.min(w, h);
  const cw = S / scale;
  const ch = S / scale;
  ctx.drawImage(source, (w - cw) / 2, (h - ch) / 2, cw, ch, 0, 0, S, S);
  return ctx.getImageData(0, 0, S, S).data;
}

/** [S, S, 3] float32 in [0, 1] of `picture`; alpha composited on white. */
export function imagePixels(picture: Picture, S: number): Float32Array {
  const rgba = rgbaAt(picture, S);
  const out = new Float32Array(S * S * 3);
  for (let p = 0; p < S * S; p++) {
    const a = rgba[p * 4 + 3] / 255;
    for (let c = 0; c < 3; c++) out[p * 3 + c] = (rgba[p * 4 + c] * a + 255 * (1 - a)) / 255;
  }
  return out;
}

/** [B, S, S, 3] float32 in [0, 1] of pictures. */
export function picturesTensor(pictures: Picture[], S: number): tf.Tensor4D {
  const data = new Float32Array(pictures.length * S * S * 3);
  pictures.forEach((p, i) => data.set(imagePixels(p, S), i * S * S * 3));
  return tf.tensor4d(data, [pictures.length, S, S, 3]);
}
