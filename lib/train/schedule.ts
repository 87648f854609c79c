/**
 * Learning-rate schedule: linear warmup, then cosine decay to a floor (nanoGPT's shape).
 * A pure function of the update index, so a resumed run gets exactly the same rates.
 */

export interface ScheduleOptions {
  /** Peak learning rate, reached at the end of warmup. */
  lr: number;
  /** Updates of linear warmup (0 = none). */
  warmupSteps: number;
  /** Update index at which the cosine reaches the floor (the schedule's horizon). */
  decaySteps: number;
  /** Floor as a fraction of `lr` (1 = constant after warmup). */
  minLrRatio: number;
}

/**
 * Learning rate for update `step` (0-based: the first optimizer update uses `lrAt(0)`).
 * Warmup: lr·(step+1)/warmupSteps, so the first update is never at lr 0.
 * Then lr_min + ½(1 + cos(π·p))(lr − lr_min), p = (step − warmup)/(decay − warmup), clamped to [0, 1].
 */
export function lrAt(step: number, o: ScheduleOptions): number {
  if (!(step >= 0) || !Number.isInteger(step)) throw new Error(`lrAt: step must be an integer >= 0, got ${step}`);
  if (!(o.minLrRatio >= 0 && o.minLrRatio <= 1)) throw new Error(`lrAt: minLrRatio must be in [0, 1], got ${o.minLrRatio}`);
  if (!(o.warmupSteps >= 0)) throw new Error(`lrAt: warmupSteps must be >= 0, got ${o.warmupSteps}`);
  if (step < o.warmupSteps) return (o.lr * (step + 1)) / o.warmupSteps;
  const minLr = o.lr * o.minLrRatio;
  const span = o.decaySteps - o.warmupSteps;
  const p = span <= 0 ? 1 : Math.min(1, (step - o.warmupSteps) / span);
  return minLr + 0.5 * (1 + Math.cos(Math.PI * p)) * (o.lr - minLr);
}
