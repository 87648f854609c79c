/**
 * BEiT's block-wise masking (`MaskingGenerator` in microsoft/unilm, beit/masking_generator.py),
 * as FLAVA uses it: blocks of random area and log-uniform aspect are dropped on the grid until
 * `numMasked` cells are masked or a block makes no progress. Never masks more than `numMasked`.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';
import { Seed, checkPositiveInt, flatten, toRng } from './seed';

/** One placed block, reported to `onBlock` (for instrumentation and tests). */
export interface PlacedBlock {
  top: number;
  left: number;
  /** Rows and columns of the rectangle. */
  h: number;
  w: number;
  /** Sampled target area and aspect (h/w before rounding). */
  targetArea: number;
  aspect: number;
  /** Cells this block newly masked (overlap with earlier blocks does not count). */
  added: number;
}

export interface BlockMaskOptions {
  height: number;
  width: number;
  /** Target number of masked cells (an upper bound; the result may fall short). */
  numMasked: number;
  /** Smallest block area (BEiT `min_num_patches`); default 16 as FLAVA. */
  minBlock?: number;
  /** Largest block area; default: whatever remains of `numMasked`. */
  maxBlock?: number;
  /** Aspect h/w range, sampled log-uniformly; default 0.3 .. 1/minAspect. */
  minAspect?: number;
  maxAspect?: number;
  seed: Seed;
  /** Called for every block that masked at least one new cell. */
  onBlock?: (block: PlacedBlock) => void;
}

/** FLAVA's settings for 224px images with 16px patches: 75 of 14×14, min block 16, aspect 0.3–3.33. */
export const FLAVA_BLOCK_MASK = { height: 14, width: 14, numMasked: 75, minBlock: 16, minAspect: 0.3 } as const;

interface Resolved {
  height: number;
  width: number;
  numMasked: number;
  minBlock: number;
  maxBlock: number;
  logAspect: [number, number];
  onBlock?: (block: PlacedBlock) => void;
}

function resolve(o: BlockMaskOptions, who: string): Resolved {
  checkPositiveInt(o.height, 'height', who);
  checkPositiveInt(o.width, 'width', who);
  const cells = o.height * o.width;
  if (!Number.isInteger(o.numMasked) || o.numMasked < 0 || o.numMasked > cells) {
    throw new Error(`${who}: numMasked must be an integer in [0, ${cells}] for a ${o.height}x${o.width} grid, got ${o.numMasked}`);
  }
  const minBlock = o.minBlock ?? 16;
  const maxBlock = o.maxBlock ?? o.numMasked;
  if (!(minBlock > 0)) throw new Error(`${who}: minBlock must be > 0, got ${minBlock}`);
  // Only a given maxBlock must exceed minBlock: a target below minBlock is fine (BEiT samples the
  // area from the reversed interval [remaining, min] then).
  if (o.maxBlock !== undefined && !(maxBlock >= minBlock)) throw new Error(`${who}: maxBlock (${maxBlock}) must be >= minBlock (${minBlock})`);
  const minAspect = o.minAspect ?? 0.3;
  const maxAspect = o.maxAspect ?? 1 / minAspect;
  if (!(minAspect > 0 && maxAspect >= minAspect)) {
    throw new Error(`${who}: need 0 < minAspect <= maxAspect, got minAspect ${minAspect}, maxAspect ${maxAspect}`);
  }
  return { height: o.height, width: o.width, numMasked: o.numMasked, minBlock, maxBlock, logAspect: [Math.log(minAspect), Math.log(maxAspect)], onBlock: o.onBlock };
}

/** Python's `round` (half to even), so block sizes match BEiT's exactly. */
function roundHalfEven(x: number): number {
  const lower = Math.floor(x);
  const diff = x - lower;
  if (diff !== 0.5) return Math.round(x);
  return lower % 2 === 0 ? lower : lower + 1;
}

/** BEiT `_mask`: up to 10 tries to place one block adding 1..budget new cells; returns cells added. */
function placeBlock(grid: Uint8Array, budget: number, r: Resolved, rng: Rng): number {
  let added = 0;
  for (let attempt = 0; attempt < 10 && added === 0; attempt++) {
    const targetArea = rng.uniform(r.minBlock, budget);
    const aspect = Math.exp(rng.uniform(r.logAspect[0], r.logAspect[1]));
    const h = roundHalfEven(Math.sqrt(targetArea * aspect));
    const w = roundHalfEven(Math.sqrt(targetArea / aspect));
    if (!(w < r.width && h < r.height)) continue;
    const top = rng.int(r.height - h + 1);
    const left = rng.int(r.width - w + 1);
    let already = 0;
    for (let i = top; i < top + h; i++) for (let j = left; j < left + w; j++) already += grid[i * r.width + j];
    const fresh = h * w - already;
    if (!(fresh > 0 && fresh <= budget)) continue;
    for (let i = top; i < top + h; i++) for (let j = left; j < left + w; j++) grid[i * r.width + j] = 1;
    added = fresh;
    r.onBlock?.({ top, left, h, w, targetArea, aspect, added });
  }
  return added;
}

function generate(r: Resolved, rng: Rng): number[] {
  const grid = new Uint8Array(r.height * r.width);
  let count = 0;
  while (count < r.numMasked) {
    const added = placeBlock(grid, Math.min(r.numMasked - count, r.maxBlock), r, rng);
    if (added === 0) break; // no progress in 10 tries: stop short of the target, as BEiT does
    count += added;
  }
  return Array.from(grid);
}

/** One grid: [H*W] row-major, 1 = masked. */
export function blockMask(options: BlockMaskOptions): number[] {
  const r = resolve(options, 'blockMask');
  return generate(r, toRng(options.seed, 'blockMask'));
}

/** B grids from one seed as plain arrays: [B][H*W], 1 = masked. */
export function blockMaskArrays(batch: number, options: BlockMaskOptions): number[][] {
  checkPositiveInt(batch, 'B', 'blockMaskBatch');
  const r = resolve(options, 'blockMaskBatch');
  const rng = toRng(options.seed, 'blockMaskBatch');
  return Array.from({ length: batch }, () => generate(r, rng));
}

/** B grids from one seed: float32 [B, H*W], 1 = masked (caller disposes). */
export function blockMaskBatch(batch: number, options: BlockMaskOptions): tf.Tensor2D {
  const n = options.height * options.width;
  return tf.tensor2d(flatten(blockMaskArrays(batch, options), n, Float32Array), [batch, n], 'float32');
}
