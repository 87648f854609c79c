/** Report layer: the CompareResults type, tables, Vega-Lite SVG plots and the HTML report. */
export type { ArmResult, CompareResults, CurvePointValues, LossPoint, ObjectiveWeight } from './types';
export { parseCompareResults } from './types';
export { armNames, COST_METRICS, summarizeArms } from './summary';
export type { ArmSummary } from './summary';
export { compareMetrics, formatStat, isAccuracyMetric, isKeyMetric, metricLabel, orderMetrics } from './metric_order';
export {
  formatObjectives, fullTable, keyTable, reportMarkdown, resultsMarkdown, resultsText, runSummaryLine, tableToMarkdown, tableToText,
} from './table';
export type { Table, TableOptions } from './table';
export { defaultIntervalMetrics, lossPlotSpec, metricIntervalsSpec, renderPlots } from './plots';
export { curveMetrics, curvesSpec } from './curves_plot';
export { findingLabel, forestSpec } from './forest_plot';
export { QUESTION, caveats, formatDiff, readingNote } from './narrative';
export type { Plot, PlotOptions } from './plots';
export { renderSvg } from './render';
export type { VegaLiteSpec } from './render';
export { readResults, reportHtml, writeReport } from './html';
export type { ReportPaths } from './html';
export { svgToPng } from './svg_to_png';
