/**
 * Learning curves: the metrics evaluated during training against cumulative training FLOPs or
 * training wall time, so arms compare at matched compute as well as matched steps.
 */
import { isKeyMetric, metricLabel, orderMetrics } from './metric_order';
import { armColor, chanceLayer } from './plot_parts';
import type { VegaLiteSpec } from './render';
import type { CompareResults } from './types';

/** Key metrics present in any arm's curve, in report order. */
export function curveMetrics(results: CompareResults): string[] {
  return orderMetrics(results.arms.flatMap((a) => (a.curve ?? []).flatMap((p) => Object.keys(p.metrics)))).filter(isKeyMetric);
}

function chanceOf(results: CompareResults, metric: string): number | null {
  for (const arm of Object.values(results.stats)) if (arm[metric]?.chance !== undefined) return arm[metric].chance!;
  return null;
}

/** A panel per curve metric, a line per arm and seed; x = cumulative FLOPs (`flops`) or training seconds. */
export function curvesSpec(results: CompareResults, x: 'flops' | 'seconds'): VegaLiteSpec {
  const metrics = curveMetrics(results);
  const wanted = new Set(metrics);
  const values = results.arms.flatMap((a) =>
    (a.curve ?? []).flatMap((p) =>
      Object.entries(p.metrics)
        .filter(([m, v]) => wanted.has(m) && Number.isFinite(v))
        .map(([m, v]) => ({ arm: a.name, seed: a.seed, metric: metricLabel(m), x: x === 'flops' ? p.flops / 1e12 : p.seconds, value: v, chance: chanceOf(results, m) })),
    ),
  );
  const xTitle = x === 'flops' ? 'training compute (TFLOPs, cumulative)' : 'training wall time (s)';
  return {
    title: `Learning curves vs ${x === 'flops' ? 'training compute' : 'training wall time'} (dashed: chance)`,
    data: { values },
    facet: { field: 'metric', type: 'nominal', title: null, sort: metrics.map(metricLabel) },
    columns: 3,
    spec: {
      width: 220,
      height: 150,
      layer: [
        {
          mark: { type: 'line', point: { size: 20 } },
          encoding: {
            x: { field: 'x', type: 'quantitative', title: xTitle },
            y: { field: 'value', type: 'quantitative', title: null },
            color: armColor(results),
            detail: { field: 'seed', type: 'nominal' },
          },
        },
        chanceLayer('y'),
      ],
    },
    resolve: { scale: { y: 'independent' } },
  } as VegaLiteSpec;
}
