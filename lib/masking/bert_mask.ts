/**
 * BERT's masked-language-model corruption (80 % [MASK], 10 % random token, 10 % unchanged), chosen
 * per token with probability `rate` as Hugging Face's `DataCollatorForLanguageModeling` does, with
 * an optional whole-word mode (all pieces of a chosen word are chosen together).
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';
import { Seed, flatten, toRng } from './seed';

const IGNORE_INDEX = -100;

export interface BertMaskOptions {
  /** int32 [B, T] token ids (a tensor is read, not disposed). */
  tokens: number[][] | tf.Tensor2D;
  /** Ids never chosen nor drawn as random replacements: [CLS], [SEP], [PAD], ... */
  specialIds: number[];
  /** The [MASK] id; also never chosen and never drawn as a random replacement. */
  maskId: number;
  vocabSize: number;
  /** Probability that each eligible token (or word) is chosen; default 0.15. */
  rate?: number;
  /** `wordStarts[b][t]` true on the first piece of each word; pieces up to the next start (or special) form the word. */
  wholeWord?: { wordStarts: boolean[][] };
  seed: Seed;
  /** Random replacements are drawn uniformly from [lo, hi) minus specials; default [0, vocabSize). */
  randomTokenRange?: [number, number];
  /** Every chosen token becomes [MASK] (no random or kept 20 %): nothing of it stays visible, as MAE-style masking wants. */
  allMask?: boolean;
}

export interface BertMaskArrays {
  /** [B][T] corrupted ids. */
  inputs: number[][];
  /** [B][T] original id where chosen, -100 elsewhere. */
  labels: number[][];
  /** [B][T] 1 where chosen (whether replaced by [MASK], a random id, or kept). */
  mask: number[][];
}

export interface BertMaskResult {
  /** int32 [B, T] */
  inputs: tf.Tensor2D;
  /** int32 [B, T], -100 where not chosen. */
  labels: tf.Tensor2D;
  /** float32 [B, T], 1 = chosen. */
  mask: tf.Tensor2D;
}

const WHO = 'bertMask';

function readTokens(tokens: number[][] | tf.Tensor2D): number[][] {
  if (Array.isArray(tokens)) return tokens;
  if (tokens.rank !== 2 || tokens.dtype !== 'int32') {
    throw new Error(`${WHO}: tokens must be an int32 [B, T] tensor, got ${tokens.dtype} [${tokens.shape}]`);
  }
  return tokens.arraySync() as number[][];
}

function validate(rows: number[][], o: BertMaskOptions): void {
  if (rows.length === 0) throw new Error(`${WHO}: tokens must have at least one row`);
  const T = rows[0].length;
  rows.forEach((row, b) => {
    if (row.length !== T) throw new Error(`${WHO}: tokens row ${b} has length ${row.length}, row 0 has ${T}`);
    row.forEach((id, t) => {
      if (!Number.isInteger(id) || id < 0 || id >= o.vocabSize) {
        throw new Error(`${WHO}: tokens[${b}][${t}] = ${id} is not an id in [0, vocabSize=${o.vocabSize})`);
      }
    });
  });
  const rate = o.rate ?? 0.15;
  if (!(rate >= 0 && rate <= 1)) throw new Error(`${WHO}: rate must be in [0, 1], got ${rate}`);
  const starts = o.wholeWord?.wordStarts;
  if (starts && (starts.length !== rows.length || starts.some((s) => s.length !== T))) {
    throw new Error(`${WHO}: wholeWord.wordStarts shape [${starts.length}, ${starts[0]?.length}] must equal tokens shape [${rows.length}, ${T}]`);
  }
}

/** Groups of positions chosen together: single tokens, or whole words. Specials belong to none. */
function candidateGroups(rows: number[][], special: Set<number>, wordStarts?: boolean[][]): number[][][] {
  return rows.map((row, b) => {
    const groups: number[][] = [];
    row.forEach((id, t) => {
      if (special.has(id)) return;
      // A piece continues the previous word only when it is not a start and directly follows a
      // non-special piece; otherwise it opens a word of its own.
      const continues = wordStarts !== undefined && !wordStarts[b][t] && t > 0 && !special.has(row[t - 1]);
      if (continues && groups.length > 0) groups[groups.length - 1].push(t);
      else groups.push([t]);
    });
    return groups;
  });
}

/** Uniform draw from [lo, hi) without special ids (rejection; the range is checked to hold one). */
function replacementSampler(o: BertMaskOptions, special: Set<number>): (rng: Rng) => number {
  const [lo, hi] = o.randomTokenRange ?? [0, o.vocabSize];
  if (!(Number.isInteger(lo) && Number.isInteger(hi) && lo >= 0 && hi <= o.vocabSize && hi > lo)) {
    throw new Error(`${WHO}: randomTokenRange must be integers 0 <= lo < hi <= vocabSize=${o.vocabSize}, got [${lo}, ${hi})`);
  }
  let allowed = hi - lo;
  for (const id of special) if (id >= lo && id < hi) allowed--;
  if (allowed <= 0) throw new Error(`${WHO}: randomTokenRange [${lo}, ${hi}) holds only special ids`);
  return (rng) => {
    for (;;) {
      const id = lo + rng.int(hi - lo);
      if (!special.has(id)) return id;
    }
  };
}

/**
 * Pure-JS BERT masking. Each eligible token (each word, with `wholeWord`) is chosen independently
 * with probability `rate`. If a batch holding eligible tokens ends up with none chosen, one
 * token (word) is chosen uniformly among them, so a loss never sees an empty batch; this raises
 * the rate by at most (1 - rate)^n / n for n eligible tokens (negligible beyond a few dozen).
 * Each chosen token then independently becomes [MASK] (80 %), a random non-special id (10 %) or
 * stays (10 %).
 */
export function bertMaskArrays(options: BertMaskOptions): BertMaskArrays {
  const rows = readTokens(options.tokens);
  validate(rows, options);
  const rate = options.rate ?? 0.15;
  const special = new Set([...options.specialIds, options.maskId]);
  const rng = toRng(options.seed, WHO);
  const drawReplacement = replacementSampler(options, special);

  const groups = candidateGroups(rows, special, options.wholeWord?.wordStarts);
  const chosen = groups.map((gs) => gs.filter(() => rng.next() < rate));
  const total = groups.reduce((n, gs) => n + gs.length, 0);
  if (total > 0 && chosen.every((c) => c.length === 0)) {
    let k = rng.int(total);
    let b = 0;
    while (k >= groups[b].length) k -= groups[b++].length;
    chosen[b].push(groups[b][k]);
  }

  const inputs = rows.map((row) => row.slice());
  const labels = rows.map((row) => row.map(() => IGNORE_INDEX));
  const mask = rows.map((row) => row.map(() => 0));
  chosen.forEach((gs, b) => {
    for (const t of gs.flat()) {
      labels[b][t] = rows[b][t];
      mask[b][t] = 1;
      const u = options.allMask ? 0 : rng.next();
      if (u < 0.8) inputs[b][t] = options.maskId;
      else if (u < 0.9) inputs[b][t] = drawReplacement(rng);
    }
  });
  return { inputs, labels, mask };
}

/** Tensor form of `bertMaskArrays` (same draws for the same seed; caller disposes). */
export function bertMask(options: BertMaskOptions): BertMaskResult {
  const a = bertMaskArrays(options);
  const shape: [number, number] = [a.inputs.length, a.inputs[0].length];
  return {
    inputs: tf.tensor2d(flatten(a.inputs, shape[1], Int32Array), shape, 'int32'),
    labels: tf.tensor2d(flatten(a.labels, shape[1], Int32Array), shape, 'int32'),
    mask: tf.tensor2d(flatten(a.mask, shape[1], Float32Array), shape, 'float32'),
  };
}
