/** The findings as a forest plot: each paired difference with its 95 % interval, a panel per metric, 0 marked. */
import { metricLabel } from './metric_order';
import type { VegaLiteSpec } from './render';
import type { CompareResults } from './types';

/** A finding's row label: `clip+mae − clip`, with its condition (`batch 16`, matched compute). */
export function findingLabel(f: CompareResults['findings'][number]): string {
  const pair = f.baselineMetric ? `${f.arms[0]}: ${f.metric.split('/').pop()} − ${f.baselineMetric.split('/').pop()}` : `${f.arms[0]} − ${f.arms[1]}`;
  return f.at ? `${pair} (${f.at.replace(/^at /, '')})` : pair;
}

export function forestSpec(results: CompareResults): VegaLiteSpec {
  const values = results.findings
    .filter((f) => Number.isFinite(f.diff))
    .map((f) => ({
      label: findingLabel(f),
      metric: metricLabel(f.metric),
      diff: f.diff,
      lo: f.ci95?.[0] ?? f.diff,
      hi: f.ci95?.[1] ?? f.diff,
      verdict: f.ci95 === null ? 'no interval' : f.significant ? 'interval excludes 0' : 'interval includes 0',
    }));
  const y = { field: 'label', type: 'nominal', title: null, sort: null, axis: { labelLimit: 320 } };
  const color = { field: 'verdict', type: 'nominal', title: null, legend: { labelLimit: 240 }, scale: { domain: ['interval excludes 0', 'interval includes 0', 'no interval'], range: ['#c0392b', '#7f8c8d', '#c8c8c8'] } };
  return {
    title: 'Findings: paired difference (a − b) and 95 % interval; dashed: no difference',
    data: { values },
    facet: { row: { field: 'metric', type: 'nominal', title: null, header: { labelAngle: 0, labelAlign: 'left' } } },
    spec: {
      width: 360,
      height: { step: 18 },
      layer: [
        { mark: { type: 'rule', strokeDash: [4, 3], color: '#888' }, encoding: { x: { datum: 0, type: 'quantitative' } } },
        { mark: { type: 'rule', strokeWidth: 2 }, encoding: { y, x: { field: 'lo', type: 'quantitative', title: 'difference' }, x2: { field: 'hi' }, color } },
        { mark: { type: 'point', filled: true, size: 50 }, encoding: { y, x: { field: 'diff', type: 'quantitative' }, color } },
      ],
    },
    resolve: { scale: { x: 'independent', y: 'independent' } },
  } as VegaLiteSpec;
}
