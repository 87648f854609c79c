/** Text prompts to sample images and to a PNG grid: one row per prompt, one column per sample. */
import * as tf from '@tensorflow/tfjs';
import { SubwordTokenizer } from '../data';
import { labelledGrid } from '../data/preview';
import { VisionLanguageModel } from '../models';
import { Rng } from '../random';
import { DecodeOptions, generateImages } from './decode';

export interface PromptSamples {
  prompts: string[];
  samples: number;
  /** Per prompt, its samples' pixels, each [S, S, 3] in [0, 1]: images[prompt][sample]. */
  images: Float32Array[][];
  imageSize: number;
}

/** Rows decoded in one batch (each is a forward of 2× this with guidance). */
const CHUNK = 64;

/**
 * `samples` images for every prompt, decoded `CHUNK` rows at a time from one random stream (so the
 * same seed gives the same pictures).
 */
export async function samplePrompts(
  model: VisionLanguageModel, tokenizer: SubwordTokenizer, maxLen: number, prompts: string[], samples: number, opts: DecodeOptions,
): Promise<PromptSamples> {
  if (prompts.length === 0) throw new Error('samplePrompts: no prompts');
  if (!Number.isInteger(samples) || samples < 1) throw new Error(`samplePrompts: samples must be a positive integer, got ${samples}`);
  const rng = opts.seed instanceof Rng ? opts.seed : new Rng(opts.seed);
  const rows = prompts.flatMap((p) => new Array<string>(samples).fill(p));
  const S = model.cfg.imageSize;
  const size = S * S * 3;
  const images: Float32Array[][] = prompts.map(() => []);
  for (let start = 0; start < rows.length; start += CHUNK) {
    const chunk = rows.slice(start, start + CHUNK);
    const enc = chunk.map((c) => tokenizer.encode(c, maxLen));
    const ids = tf.tensor2d(enc.flatMap((e) => e.ids), [chunk.length, maxLen], 'int32');
    const attention = tf.tensor2d(enc.flatMap((e) => e.attention), [chunk.length, maxLen]);
    const pictures = await generateImages(model, ids, attention, { ...opts, seed: rng });
    const data = (await pictures.data()) as Float32Array;
    tf.dispose([ids, attention, pictures]);
    chunk.forEach((_, k) => images[Math.floor((start + k) / samples)].push(data.slice(k * size, (k + 1) * size)));
  }
  return { prompts, samples, images, imageSize: S };
}

/** A PNG: one row per prompt, its samples side by side, each cell upscaled (nearest) and labelled with its prompt. */
export function promptGrid(s: PromptSamples, cellSize = 96): Promise<Buffer> {
  const cells = s.images.flatMap((row, p) => row.map((pixels) => ({ pixels, h: s.imageSize, w: s.imageSize, label: s.prompts[p] })));
  return labelledGrid(cells, { columns: s.samples, cellSize, lines: 2, pad: 4, background: '#ffffff' });
}
