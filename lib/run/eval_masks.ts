/**
 * The evaluation protocol's masks: one per eval item, drawn from a fixed seed and the item's index
 * only — never from the arm, its objectives or its training seed — so every arm reconstructs exactly
 * the same patches and the same caption tokens.
 */
import * as tf from '@tensorflow/tfjs';
import { randomPatchMaskArrays } from '../masking';
import { TextSpec } from '../models';
import { EvalMasks } from '../objectives';
import { Rng } from '../random';

/** Seed of every protocol mask (and of the probes' train subset). */
export const EVAL_SEED = 1234;
/** Masked share of image patches (MAE's, MaskVLM's and M3AE's default). */
export const EVAL_PATCH_MASK_RATIO = 0.75;
/** Share of a caption's real tokens replaced by [MASK] (BERT's rate; at least one token). */
export const EVAL_TEXT_MASK_RATE = 0.15;

const IGNORE = -100;

/** Patch mask rows of `items`: item i's row is the same whatever batch it sits in. */
export function protocolPatchMask(items: readonly number[], numPatches: number): { mask: number[][]; keepIndices: number[][]; restoreIndices: number[][] } {
  const rows = items.map((i) => randomPatchMaskArrays(1, numPatches, EVAL_PATCH_MASK_RATIO, new Rng(EVAL_SEED).fork(`patch/${i}`)));
  return {
    mask: rows.map((r) => r.mask[0]),
    keepIndices: rows.map((r) => r.keepIndices[0]),
    restoreIndices: rows.map((r) => r.restoreIndices[0]),
  };
}

/**
 * Caption corruption of `items` (token rows [B][T]): round(15 %) of each caption's non-special tokens
 * (at least one) replaced by [MASK] — no 80/10/10 at evaluation, so every arm reads the same input.
 */
export function protocolTextMask(items: readonly number[], tokenRows: readonly number[][], spec: Pick<TextSpec, 'specialIds' | 'maskId'>): { ids: number[][]; labels: number[][] } {
  if (items.length !== tokenRows.length) throw new Error(`protocolTextMask: ${items.length} items but ${tokenRows.length} token rows`);
  const special = new Set([...spec.specialIds, spec.maskId]);
  const ids: number[][] = [];
  const labels: number[][] = [];
  items.forEach((item, b) => {
    const row = tokenRows[b];
    const eligible = row.map((id, t) => (special.has(id) ? -1 : t)).filter((t) => t >= 0);
    const k = eligible.length ? Math.max(1, Math.round(EVAL_TEXT_MASK_RATE * eligible.length)) : 0;
    const chosen = new Set(new Rng(EVAL_SEED).fork(`text/${item}`).permutation(eligible.length).slice(0, k).map((j) => eligible[j]));
    ids.push(row.map((id, t) => (chosen.has(t) ? spec.maskId : id)));
    labels.push(row.map((id, t) => (chosen.has(t) ? id : IGNORE)));
  });
  return { ids, labels };
}

/** Both protocol masks of a batch as tensors (caller disposes with `disposeEvalMasks`). */
export function protocolMasks(items: readonly number[], numPatches: number, tokenRows: readonly number[][], spec: Pick<TextSpec, 'specialIds' | 'maskId'>): EvalMasks {
  const p = protocolPatchMask(items, numPatches);
  const t = protocolTextMask(items, tokenRows, spec);
  const B = items.length;
  const T = tokenRows[0]?.length ?? 0;
  return {
    patches: {
      mask: tf.tensor2d(p.mask.flat(), [B, numPatches], 'float32'),
      keepIndices: tf.tensor2d(p.keepIndices.flat(), [B, p.keepIndices[0].length], 'int32'),
      restoreIndices: tf.tensor2d(p.restoreIndices.flat(), [B, numPatches], 'int32'),
    },
    text: { ids: tf.tensor2d(t.ids.flat(), [B, T], 'int32'), labels: tf.tensor2d(t.labels.flat(), [B, T], 'int32') },
  };
}

export function disposeEvalMasks(m: EvalMasks): void {
  tf.dispose([m.patches?.mask, m.patches?.keepIndices, m.patches?.restoreIndices, m.text?.ids, m.text?.labels].filter((t): t is tf.Tensor2D => t != null));
}
