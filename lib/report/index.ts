/** Report layer: the CompareResults type, tables, Vega-Lite SVG plots and the HTML report. */
export type { ArmResult, CompareResults, LossPoint, ObjectiveWeight } from './types';
export { parseCompareResults } from './types';
export { armMetrics, armNames, COST_METRICS, meanStd, summarizeArms } from './summary';
export type { ArmSummary, MetricStats } from './summary';
export { compareMetrics, formatStat, isAccuracyMetric, isKeyMetric, metricLabel, orderMetrics } from './metric_order';
export {
  formatObjectives, fullTable, keyTable, reportMarkdown, resultsMarkdown, resultsText, runSummaryLine, tableToMarkdown, tableToText,
} from './table';
export type { Table, TableOptions } from './table';
export {
  accuracyVsTimeSpec, defaultAccuracyMetric, defaultBarMetrics, lossPlotSpec, metricBarsSpec, renderPlots,
} from './plots';
export type { Plot, PlotOptions } from './plots';
export { renderSvg } from './render';
export type { VegaLiteSpec } from './render';
export { readResults, reportHtml, writeReport } from './html';
export type { ReportPaths } from './html';
export { svgToPng } from './svg_to_png';
