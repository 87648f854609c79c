/**
 * Learning curves: a metric evaluated at a few steps of training, against cumulative training
 * FLOPs or training wall time. To compare two arms at matched compute, each arm's metric is read
 * at the same FLOPs by linear interpolation between its two nearest evaluations, item by item (an
 * interpolated item is the same blend of the item's two values, so pairing across arms survives).
 */
import type { Sample } from './bootstrap';

export interface CurvePoint {
  step: number;
  /** Cumulative training FLOPs after `step` (analytic model FLOPs). */
  flops: number;
  /** Training wall time after `step`, evaluation time excluded. */
  seconds: number;
  metrics: Record<string, Sample>;
}

/** The metric at `flops` (linear between evaluations); undefined outside the evaluated range. */
export function sampleAtFlops(curve: CurvePoint[], metric: string, flops: number): Sample | undefined {
  const pts = curve.filter((p) => p.metrics[metric] !== undefined).sort((a, b) => a.flops - b.flops);
  if (pts.length === 0 || flops < pts[0].flops - 1e-9 * flops || flops > pts[pts.length - 1].flops * (1 + 1e-9)) return undefined;
  const k = pts.findIndex((p) => p.flops >= flops);
  if (k <= 0) return pts[Math.max(0, k)].metrics[metric];
  const a = pts[k - 1];
  const b = pts[k];
  const w = (flops - a.flops) / (b.flops - a.flops);
  const sa = a.metrics[metric];
  const sb = b.metrics[metric];
  const blend = (x: number, y: number) => (1 - w) * x + w * y;
  const items = sa.items && sb.items && sa.items.length === sb.items.length ? sa.items.map((v, i) => blend(v, sb.items![i])) : undefined;
  return { value: blend(sa.value, sb.value), items, chance: sa.chance, higherIsBetter: sa.higherIsBetter };
}

/** The last evaluated FLOPs of a curve (0 when empty). */
export function finalFlops(curve: CurvePoint[]): number {
  return curve.reduce((m, p) => Math.max(m, p.flops), 0);
}
