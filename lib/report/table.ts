/**
 * Results tables. One table model (header + string cells) rendered three ways: markdown
 * (`results.md`), aligned plain text (the console) and HTML (`html.ts`).
 * - the key table: one row per arm, the key metrics as columns (see `metric_order.ts`);
 * - the full table: one row per metric, one column per arm, every metric (too many for columns).
 */
import { decimalsFor, formatStat, isKeyMetric, metricLabel, MISSING, orderMetrics } from './metric_order';
import { QUESTION, caveats, readingNote } from './narrative';
import { summarizeArms, type ArmSummary } from './summary';
import type { CompareResults, ObjectiveWeight } from './types';

/** The key table's last row: each metric's chance level. */
export const CHANCE_ROW = 'chance';

export interface Table {
  columns: string[];
  rows: string[][];
  /** Per column: right-align (numbers). */
  numeric: boolean[];
}

export interface TableOptions {
  /** Metric columns to show, in this order; default: the key metrics present in any arm. */
  metrics?: string[];
  /** Include the objectives column (default true; the HTML lists objectives under the table). */
  objectives?: boolean;
}

/** `clip`, or `mae + 0.1·mlm` (weights shown when not 1). */
export function formatObjectives(objectives: ObjectiveWeight[]): string {
  return objectives.map((o) => (o.weight === 1 ? o.name : `${o.weight}·${o.name}`)).join(' + ');
}

/** Parameter count as `850k` / `1.23M`. */
export function formatCount(n: number): string {
  if (n >= 1e6) return `${(n / 1e6).toFixed(2)}M`;
  if (n >= 1e3) return `${(n / 1e3).toFixed(0)}k`;
  return String(n);
}

function presentMetrics(arms: ArmSummary[]): string[] {
  return orderMetrics(arms.flatMap((a) => Object.keys(a.metrics)));
}

/** Decimals for one metric's column (from the largest finite mean). */
function columnDecimals(arms: ArmSummary[], metric: string): number {
  const means = arms.map((a) => a.metrics[metric]?.mean).filter((m): m is number => Number.isFinite(m));
  return decimalsFor(Math.max(0, ...means.map(Math.abs)));
}

/** Formats one metric for every arm with the same decimals: `mean [lo, hi]`, n/a where absent. */
function metricCells(arms: ArmSummary[], metric: string): string[] {
  const decimals = columnDecimals(arms, metric);
  return arms.map((a) => (a.metrics[metric] === undefined ? MISSING : formatStat(a.metrics[metric], decimals)));
}

/** The metric's chance level (the first arm that gives one), formatted like its column; '' when none. */
function chanceCell(arms: ArmSummary[], metric: string): string {
  const chance = arms.map((a) => a.metrics[metric]?.chance).find((c) => c !== undefined);
  return chance === undefined ? '' : chance.toFixed(columnDecimals(arms, metric));
}

/**
 * One row per arm: arm, objectives, params, then the metric columns. A `seeds` column (count per
 * arm) is added only when arms ran different numbers of seeds; otherwise the run line says it.
 */
export function keyTable(results: CompareResults, options: TableOptions = {}): Table {
  const arms = summarizeArms(results);
  const metrics = options.metrics ?? presentMetrics(arms).filter(isKeyMetric);
  const columns = metrics.map((m) => metricCells(arms, m));
  const seedCounts = new Set(arms.map((a) => a.seeds.length));
  const seeds = seedCounts.size > 1;
  const objectives = options.objectives ?? true;
  return {
    columns: ['arm', ...(objectives ? ['objectives'] : []), ...(seeds ? ['seeds'] : []), 'params', ...metrics.map(metricLabel)],
    rows: [
      ...arms.map((arm, i) => [
        arm.name,
        ...(objectives ? [formatObjectives(arm.objectives)] : []),
        ...(seeds ? [String(arm.seeds.length)] : []),
        formatCount(arm.params),
        ...columns.map((c) => c[i]),
      ]),
      // the level each metric must beat (chance, majority class): one row under the arms
      ...(metrics.some((m) => chanceCell(arms, m) !== '')
        ? [[CHANCE_ROW, ...(objectives ? [''] : []), ...(seeds ? [''] : []), '', ...metrics.map((m) => chanceCell(arms, m))]]
        : []),
    ],
    numeric: [false, ...(objectives ? [false] : []), ...(seeds ? [true] : []), true, ...metrics.map(() => true)],
  };
}

/** One row per metric (every metric present), one column per arm, then the chance level. */
export function fullTable(results: CompareResults): Table {
  const arms = summarizeArms(results);
  return {
    columns: ['metric', ...arms.map((a) => a.name), 'chance'],
    rows: presentMetrics(arms).map((m) => [metricLabel(m), ...metricCells(arms, m), chanceCell(arms, m)]),
    numeric: [false, ...arms.map(() => true), true],
  };
}

export function tableToMarkdown(table: Table): string {
  const esc = (s: string): string => s.replace(/\|/g, '\\|');
  const line = (cells: string[]): string => `| ${cells.map(esc).join(' | ')} |`;
  const rule = table.numeric.map((n) => (n ? '---:' : '---'));
  return [line(table.columns), `|${rule.join('|')}|`, ...table.rows.map(line)].join('\n');
}

/** Columns padded to equal width (by code points, so `±` and `—` count as one). */
export function tableToText(table: Table): string {
  const len = (s: string): number => [...s].length;
  const widths = table.columns.map((c, j) => Math.max(len(c), ...table.rows.map((r) => len(r[j]))));
  const pad = (s: string, j: number): string => {
    const fill = ' '.repeat(widths[j] - len(s));
    return table.numeric[j] ? fill + s : s + fill;
  };
  const line = (cells: string[]): string => cells.map(pad).join('  ').trimEnd();
  return [line(table.columns), widths.map((w) => '-'.repeat(w)).join('  '), ...table.rows.map(line)].join('\n');
}

/** The key table as markdown: one row per arm, `mean [lo, hi]`, n/a when absent, then the chance row. */
export function resultsMarkdown(results: CompareResults, options: TableOptions = {}): string {
  return tableToMarkdown(keyTable(results, options));
}

/** The key table as aligned plain text, for the console. */
export function resultsText(results: CompareResults, options: TableOptions = {}): string {
  return tableToText(keyTable(results, options));
}

/** One line on what the run was: preset, date, backend, versions, seeds. */
export function runSummaryLine(results: CompareResults): string {
  const v = results.versions;
  return (
    `preset ${results.preset} · ${results.createdAt} · backend ${results.backend} · ` +
    `mvlm ${v.mvlm}, tfjs ${v.tfjs}, node ${v.node} · seeds ${results.seeds.join(', ')}`
  );
}

/** `results.md`: the question, the findings, the tables, the caveats (plots are in plots/). */
export function reportMarkdown(results: CompareResults): string {
  const skipped = results.skippedFindings.map((s) => `- ${s.rule}: ${s.reason}`);
  return [
    '# mvlm compare-objectives results',
    '',
    `**Question.** ${QUESTION}`,
    '',
    runSummaryLine(results),
    '',
    '## Findings',
    '',
    readingNote(results),
    '',
    ...results.findings.map((f, i) => `${i + 1}. ${f.significant ? '**' + f.claim + '**' : f.claim} (${f.rule})`),
    '',
    ...(skipped.length ? ['Not answered by this run:', '', ...skipped, ''] : []),
    '![findings](plots/findings.svg)',
    '',
    '## Learning curves',
    '',
    '![vs compute](plots/curves_flops.svg) ![vs wall time](plots/curves_time.svg)',
    '',
    '## Key metrics',
    '',
    'Mean [95 % interval]; n/a: the metric does not apply; the last row is each metric\'s chance level.',
    '',
    resultsMarkdown(results),
    '',
    '## All metrics',
    '',
    tableToMarkdown(fullTable(results)),
    '',
    '## Caveats',
    '',
    ...caveats(results).map((c) => `- ${c}`),
    '',
  ].join('\n');
}
