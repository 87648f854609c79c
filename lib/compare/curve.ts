/** The learning curve of a job: when it is evaluated during training, and on what. */
import type { EvalGroup } from '../run/evaluate';

/**
 * The curves: these metric groups on the first eval split (in-style) only, so an evaluation during
 * training costs a few seconds (no probe, no alignment probe, no second split).
 */
export const CURVE_GROUPS: readonly EvalGroup[] = ['retrieval', 'zeroshot', 'recon'];
/** Images scored for reconstruction at a curve point (the final evaluation scores the whole split). */
export const CURVE_RECONSTRUCTION_ITEMS = 128;

/** The steps at which the curve is evaluated: every ⌈steps / points⌉ and the last. */
export function curveEvery(steps: number, points: number): number {
  return Math.max(1, Math.floor(steps / points));
}
