/**
 * The report's plots as Vega-Lite specs, and their SVGs. One scale per panel: metrics with
 * different units never share an axis (panels per metric or per arm, each its own scale).
 * - `findings`: forest plot of the findings' paired differences with 95 % intervals, a panel per metric, 0 marked;
 * - `curves_flops` / `curves_time`: the curve metrics against cumulative training FLOPs / training
 *   wall time, a line per arm and seed, a panel per metric, chance dashed;
 * - `metrics`: the key metrics, a point per arm at the mean with its 95 % interval, chance dashed;
 * - `loss`: each arm's training loss in its own panel (objectives' losses are not comparable).
 * Arms keep one colour across all plots (the colour domain is the arm order of the results).
 */
import { curveMetrics, curvesSpec } from './curves_plot';
import { forestSpec } from './forest_plot';
import { isKeyMetric, metricLabel, orderMetrics, parseMetricName } from './metric_order';
import { renderSvg, type VegaLiteSpec } from './render';
import { armColor, chanceLayer } from './plot_parts';
import { armNames, summarizeArms } from './summary';
import type { CompareResults } from './types';

export interface Plot {
  /** File stem: `plots/<name>.svg`. */
  name: string;
  title: string;
  spec: VegaLiteSpec;
  svg: string;
}

/** Each arm's training loss over steps in its own panel and scale; a line per seed. */
export function lossPlotSpec(results: CompareResults): VegaLiteSpec {
  const values = results.arms.flatMap((a) =>
    a.lossCurve.filter((p) => Number.isFinite(p.loss)).map((p) => ({ arm: a.name, seed: a.seed, step: p.step, loss: p.loss })),
  );
  return {
    title: 'Training loss per arm (each its own scale: the objectives differ)',
    data: { values },
    facet: { field: 'arm', type: 'nominal', title: null, sort: armNames(results) },
    columns: 4,
    spec: {
      width: 160,
      height: 100,
      mark: { type: 'line', strokeWidth: 1.5 },
      encoding: {
        x: { field: 'step', type: 'quantitative', title: 'step', axis: { tickMinStep: 1 } },
        y: { field: 'loss', type: 'quantitative', title: 'loss', scale: { zero: false } },
        color: { ...armColor(results), legend: null },
        detail: { field: 'seed', type: 'nominal' },
      },
    },
    resolve: { scale: { y: 'independent' } },
  } as VegaLiteSpec;
}

/** The key metrics (cost and diagnostics aside) present in any arm, in report order. */
export function defaultIntervalMetrics(results: CompareResults): string[] {
  const present = orderMetrics(summarizeArms(results).flatMap((a) => Object.keys(a.metrics)));
  return present.filter((m) => isKeyMetric(m) && !['cost', 'diag'].includes(parseMetricName(m).group));
}

/** A panel per metric: each arm's mean and 95 % interval, chance dashed. */
export function metricIntervalsSpec(results: CompareResults, metrics = defaultIntervalMetrics(results)): VegaLiteSpec {
  const values = summarizeArms(results).flatMap((a) =>
    metrics.flatMap((m) => {
      const s = a.metrics[m];
      if (!s || !Number.isFinite(s.mean)) return [];
      return [{ arm: a.name, metric: metricLabel(m), mean: s.mean, lo: s.ci95?.[0] ?? s.mean, hi: s.ci95?.[1] ?? s.mean, chance: s.chance ?? null }];
    }),
  );
  const y = { field: 'arm', type: 'nominal', title: null, sort: armNames(results) };
  return {
    title: 'Key metrics: mean and 95 % interval per arm (dashed: chance)',
    data: { values },
    facet: { field: 'metric', type: 'nominal', title: null, sort: metrics.map(metricLabel) },
    columns: 3,
    spec: {
      width: 200,
      height: { step: 14 },
      layer: [
        { mark: { type: 'rule' }, encoding: { y, x: { field: 'lo', type: 'quantitative', title: null, scale: { zero: false } }, x2: { field: 'hi' }, color: { ...armColor(results), legend: null } } },
        { mark: { type: 'point', filled: true, size: 40 }, encoding: { y, x: { field: 'mean', type: 'quantitative' }, color: { ...armColor(results), legend: null } } },
        chanceLayer('x'),
      ],
    },
    resolve: { scale: { x: 'independent' } },
  } as VegaLiteSpec;
}

export interface PlotOptions {
  /** Metrics for the interval panels; default `defaultIntervalMetrics`. */
  intervalMetrics?: string[];
}

/** The report's plots as SVG, in the report's order; a plot with nothing to show is left out. */
export async function renderPlots(results: CompareResults, options: PlotOptions = {}): Promise<Plot[]> {
  const specs: { name: string; title: string; spec: VegaLiteSpec }[] = [];
  if (results.findings.length > 0) specs.push({ name: 'findings', title: 'Findings: paired differences', spec: forestSpec(results) });
  if (curveMetrics(results).length > 0) {
    specs.push({ name: 'curves_flops', title: 'Learning curves vs training FLOPs', spec: curvesSpec(results, 'flops') });
    specs.push({ name: 'curves_time', title: 'Learning curves vs training wall time', spec: curvesSpec(results, 'seconds') });
  }
  const intervalMetrics = options.intervalMetrics ?? defaultIntervalMetrics(results);
  if (intervalMetrics.length > 0) specs.push({ name: 'metrics', title: 'Key metrics per arm', spec: metricIntervalsSpec(results, intervalMetrics) });
  if (results.arms.some((a) => a.lossCurve.length > 0)) specs.push({ name: 'loss', title: 'Training loss', spec: lossPlotSpec(results) });
  const plots: Plot[] = [];
  for (const s of specs) plots.push({ ...s, svg: await renderSvg(s.spec, s.name) });
  return plots;
}
