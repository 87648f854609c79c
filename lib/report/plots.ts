/**
 * The report's plots as Vega-Lite specs, and their SVGs:
 * - `loss`: training loss per arm over steps (one line per arm and seed);
 * - `metrics`: one small bar chart per key metric, a bar per arm at the mean over seeds, with
 *   mean ± std error bars and a dot per seed when there are several seeds;
 * - `accuracy_vs_time`: an accuracy metric against training wall time, a labelled point per arm.
 * Arms keep one colour across all plots (the colour domain is the arm order of the results).
 */
import { isAccuracyMetric, isKeyMetric, orderMetrics, parseMetricName, metricLabel } from './metric_order';
import { renderSvg, type VegaLiteSpec } from './render';
import { armMetrics, armNames, COST_METRICS, summarizeArms } from './summary';
import type { CompareResults } from './types';

export interface Plot {
  /** File stem: `plots/<name>.svg`. */
  name: string;
  title: string;
  spec: VegaLiteSpec;
  svg: string;
}

function armColor(results: CompareResults): Record<string, unknown> {
  const arms = armNames(results);
  return {
    field: 'arm',
    type: 'nominal',
    title: 'arm',
    scale: { domain: arms, scheme: arms.length > 10 ? 'category20' : 'tableau10' },
  };
}

/** Training loss over steps; log y when every loss is positive (objectives differ by decades). */
export function lossPlotSpec(results: CompareResults): VegaLiteSpec {
  const values = results.arms.flatMap((a) =>
    a.lossCurve.filter((p) => Number.isFinite(p.loss)).map((p) => ({ arm: a.name, seed: a.seed, step: p.step, loss: p.loss })),
  );
  const logY = values.length > 0 && values.every((v) => v.loss > 0);
  return {
    title: 'Training loss',
    width: 640,
    height: 320,
    data: { values },
    mark: { type: 'line', strokeWidth: 1.5 },
    encoding: {
      x: { field: 'step', type: 'quantitative', title: 'step', axis: { tickMinStep: 1 } },
      y: { field: 'loss', type: 'quantitative', title: logY ? 'loss (log scale)' : 'loss', scale: { type: logY ? 'log' : 'linear' } },
      color: armColor(results),
      detail: { field: 'seed', type: 'nominal' },
    },
  } as VegaLiteSpec;
}

/** Metrics for the bar panels by default: the key metrics present, without the cost ones. */
export function defaultBarMetrics(results: CompareResults): string[] {
  const present = orderMetrics(results.arms.flatMap((a) => Object.keys(a.metrics)));
  return present.filter((m) => isKeyMetric(m) && parseMetricName(m).group !== 'cost');
}

/** One panel per metric (own y scale), a bar per arm; error bars and seed dots with several seeds. */
export function metricBarsSpec(results: CompareResults, metrics = defaultBarMetrics(results)): VegaLiteSpec {
  const wanted = new Set(metrics);
  const values = results.arms.flatMap((a) =>
    Object.entries(armMetrics(a))
      .filter(([m, v]) => wanted.has(m) && Number.isFinite(v))
      .map(([m, v]) => ({ arm: a.name, seed: a.seed, metric: metricLabel(m), value: v })),
  );
  const severalSeeds = summarizeArms(results).some((s) => s.seeds.length > 1);
  const x = { field: 'arm', type: 'nominal', title: null, sort: armNames(results), axis: { labelAngle: -40 } };
  const layers: unknown[] = [
    { mark: 'bar', encoding: { x, y: { field: 'value', aggregate: 'mean', type: 'quantitative', title: null }, color: armColor(results) } },
  ];
  if (severalSeeds) {
    // vega's `stdev` is the sample std, as in the tables.
    layers.push({ mark: { type: 'errorbar', extent: 'stdev', ticks: true, color: 'black' }, encoding: { x, y: { field: 'value', type: 'quantitative', title: null } } });
    layers.push({ mark: { type: 'point', filled: true, size: 18, color: 'black', opacity: 0.6 }, encoding: { x, y: { field: 'value', type: 'quantitative', title: null } } });
  }
  return {
    title: severalSeeds ? 'Metrics per arm (bar = mean, whiskers = ±1 std, dots = seeds)' : 'Metrics per arm',
    data: { values },
    facet: { field: 'metric', type: 'nominal', title: null, sort: metrics.map(metricLabel) },
    columns: 4,
    spec: { width: { step: 18 }, height: 150, layer: layers },
    resolve: { scale: { y: 'independent' } },
  } as VegaLiteSpec;
}

/**
 * The default metric for the accuracy-vs-time plot: the accuracy-like key metric reported by the
 * most arms (ties: report order). Undefined when no arm reports one.
 */
export function defaultAccuracyMetric(results: CompareResults): string | undefined {
  const summaries = summarizeArms(results);
  const candidates = orderMetrics(results.arms.flatMap((a) => Object.keys(a.metrics))).filter(
    (m) => isAccuracyMetric(m) && isKeyMetric(m),
  );
  let best: string | undefined;
  let bestCount = 0;
  for (const m of candidates) {
    const count = summaries.filter((s) => s.metrics[m] !== undefined).length;
    if (count > bestCount) [best, bestCount] = [m, count];
  }
  return best;
}

/** An accuracy metric (mean ± std over seeds) against training wall time, one labelled point per arm. */
export function accuracyVsTimeSpec(results: CompareResults, metric: string): VegaLiteSpec {
  const values = summarizeArms(results).flatMap((s) => {
    const acc = s.metrics[metric];
    const time = s.metrics[COST_METRICS.wallTime];
    if (acc === undefined || time === undefined) return [];
    return [{
      arm: s.name,
      time: time.mean, timeLo: time.mean - time.std, timeHi: time.mean + time.std,
      acc: acc.mean, accLo: acc.mean - acc.std, accHi: acc.mean + acc.std,
    }];
  });
  const x = { field: 'time', type: 'quantitative', title: 'training wall time (s)', scale: { zero: false, padding: 20 } };
  const y = { field: 'acc', type: 'quantitative', title: metric, scale: { zero: false, padding: 20 } };
  return {
    title: `${metric} vs training wall time`,
    width: 480,
    height: 320,
    data: { values },
    encoding: { x, y, color: armColor(results) },
    layer: [
      { mark: { type: 'rule', opacity: 0.6 }, encoding: { x2: { field: 'timeHi' }, x: { ...x, field: 'timeLo' } } },
      { mark: { type: 'rule', opacity: 0.6 }, encoding: { y2: { field: 'accHi' }, y: { ...y, field: 'accLo' } } },
      { mark: { type: 'point', filled: true, size: 70 } },
      { mark: { type: 'text', align: 'left', dx: 7, dy: -7, fontSize: 11 }, encoding: { text: { field: 'arm' } } },
    ],
  } as VegaLiteSpec;
}

export interface PlotOptions {
  /** Metrics for the bar panels; default `defaultBarMetrics`. */
  barMetrics?: string[];
  /** Metric for the accuracy-vs-time plot; default `defaultAccuracyMetric`. */
  accuracyMetric?: string;
}

/** The report's plots as SVG; a plot with nothing to show (no loss curve, no metric) is left out. */
export async function renderPlots(results: CompareResults, options: PlotOptions = {}): Promise<Plot[]> {
  const specs: { name: string; title: string; spec: VegaLiteSpec }[] = [];
  if (results.arms.some((a) => a.lossCurve.length > 0)) {
    specs.push({ name: 'loss', title: 'Training loss', spec: lossPlotSpec(results) });
  }
  const barMetrics = options.barMetrics ?? defaultBarMetrics(results);
  if (barMetrics.length > 0) {
    specs.push({ name: 'metrics', title: 'Metrics per arm', spec: metricBarsSpec(results, barMetrics) });
  }
  const accMetric = options.accuracyMetric ?? defaultAccuracyMetric(results);
  if (accMetric !== undefined) {
    specs.push({ name: 'accuracy_vs_time', title: `${accMetric} vs wall time`, spec: accuracyVsTimeSpec(results, accMetric) });
  }
  const plots: Plot[] = [];
  for (const s of specs) plots.push({ ...s, svg: await renderSvg(s.spec, s.name) });
  return plots;
}
