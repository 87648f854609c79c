/**
 * Writes a run's report into its output directory:
 *   results.json   every number with its interval, the findings, curves, config, versions, backend, seeds
 *   results.md     the question, the findings, the key table and the full table, the caveats
 *   plots/*.svg    the Vega-Lite plots, rendered server-side
 *   report.html    one self-contained page (inline CSS, tables, inlined SVGs, no external URLs)
 */
import * as fs from 'fs';
import * as path from 'path';
import { QUESTION, caveats, readingNote } from './narrative';
import { renderPlots, type Plot, type PlotOptions } from './plots';
import { summarizeArms } from './summary';
import { formatObjectives, fullTable, keyTable, reportMarkdown, runSummaryLine, type Table } from './table';
import { parseCompareResults, type CompareResults } from './types';
import { readJsonFile } from '../io/json';

export interface ReportPaths {
  json: string;
  markdown: string;
  html: string;
  /** Plot name -> SVG path. */
  plots: Record<string, string>;
}

const CSS = `
body { font-family: system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #222;
  margin: 24px auto; max-width: 1400px; padding: 0 16px; line-height: 1.4; }
h1 { font-size: 1.5em; margin-bottom: 4px; }
h2 { font-size: 1.2em; margin-top: 28px; border-bottom: 1px solid #ddd; padding-bottom: 4px; }
.run, .note { color: #555; font-size: 0.9em; }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; font-size: 0.82em; }
th, td { padding: 4px 6px; border-bottom: 1px solid #e4e4e4; white-space: nowrap; }
th { background: #f4f4f4; text-align: left; vertical-align: bottom; white-space: normal; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
.sd { display: block; color: #777; font-size: 0.85em; }
.question { font-size: 1.1em; font-style: italic; }
#findings-list li { margin: 4px 0; }
#findings-list li.sig { font-weight: 600; }
tbody tr:hover { background: #f8f8ff; }
figure { margin: 16px 0 28px; }
figure svg { max-width: 100%; height: auto; }
pre { background: #f6f6f6; padding: 10px; overflow-x: auto; font-size: 0.8em; }
`;

export function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function tableToHtml(table: Table, id: string): string {
  const cls = (j: number): string => (table.numeric[j] ? ' class="num"' : '');
  // Long metric names may wrap after a slash or underscore rather than widen the table.
  const wrap = (c: string): string => (c.length > 11 ? escapeHtml(c).replace(/([/_])/g, '$1<wbr>') : escapeHtml(c));
  const head = table.columns.map((c, j) => `<th${cls(j)}>${wrap(c)}</th>`).join('');
  // `mean [lo, hi]` puts the interval on a second, smaller line: the table stays narrow enough to read.
  const body = (c: string): string => escapeHtml(c).replace(/ (\[.*\])$/, '<span class="sd">$1</span>');
  const rows = table.rows.map((r) => `<tr>${r.map((c, j) => `<td${cls(j)}>${body(c)}</td>`).join('')}</tr>`);
  return `<table id="${id}"><thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}

/** `clip = clip · mlm+mae = 0.1·mlm + mae · …`: the objectives column, kept out of the wide table. */
function objectivesLine(results: CompareResults): string {
  return summarizeArms(results)
    .map((a) => `<b>${escapeHtml(a.name)}</b> = ${escapeHtml(formatObjectives(a.objectives))}`)
    .join(' · ');
}

/** A finding's sentence with its verdict class (significant or not). */
function findingItem(f: CompareResults['findings'][number]): string {
  return `<li class="${f.significant ? 'sig' : 'ns'}">${escapeHtml(f.claim)} <span class="note">(${escapeHtml(f.rule)}; interval over ${escapeHtml(f.over)})</span></li>`;
}

/**
 * The self-contained page, in the order a researcher reads it: the question, the findings (in
 * words and as a forest plot), the learning curves, the tables, the caveats; tables and the plots'
 * SVG inlined (their ids are namespaced per plot).
 */
export function reportHtml(results: CompareResults, plots: Plot[]): string {
  const title = `mvlm compare-objectives · ${results.preset}`;
  const figure = (name: string) => {
    const p = plots.find((x) => x.name === name);
    return p ? `<figure id="plot-${p.name}" aria-label="${escapeHtml(p.title)}">\n${p.svg}\n</figure>` : '';
  };
  const skipped = results.skippedFindings.map((s) => `<li>${escapeHtml(s.rule)}: ${escapeHtml(s.reason)}</li>`);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${CSS}</style>
</head>
<body>
<h1>${escapeHtml(title)}</h1>
<p class="question" id="question">${escapeHtml(QUESTION)}</p>
<p class="run">${escapeHtml(runSummaryLine(results))}</p>
<h2 id="findings">Findings</h2>
<p class="note">${escapeHtml(readingNote(results))}</p>
<ol id="findings-list">
${results.findings.map(findingItem).join('\n')}
</ol>
${skipped.length ? `<p class="note">Not answered by this run:</p>\n<ul id="skipped-findings" class="note">\n${skipped.join('\n')}\n</ul>` : ''}
${figure('findings')}
<h2 id="curves">Learning curves</h2>
<p class="note">The cheap metrics evaluated during training, against cumulative training FLOPs (matched compute) and training wall time (evaluation excluded).</p>
${figure('curves_flops')}
${figure('curves_time')}
<h2 id="tables">Tables</h2>
<p class="note">Mean [95 % interval]; n/a: the metric does not apply; the last row is each metric's chance level (or the majority-class baseline).</p>
<div class="scroll">${tableToHtml(keyTable(results, { objectives: false }), 'key-metrics')}</div>
<p class="note" id="objectives">Objectives: ${objectivesLine(results)}</p>
${figure('metrics')}
${figure('loss')}
<h3>All metrics</h3>
<div class="scroll">${tableToHtml(fullTable(results), 'all-metrics')}</div>
<h2 id="caveats">Caveats</h2>
<ul class="note">
${caveats(results).map((c) => `<li>${escapeHtml(c)}</li>`).join('\n')}
</ul>
<h2>Config</h2>
<pre id="config">${escapeHtml(JSON.stringify(results.config, null, 2) ?? 'undefined')}</pre>
</body>
</html>
`;
}

/** Writes results.json, results.md, plots/*.svg and report.html into `outDir` (created if needed). */
export async function writeReport(outDir: string, results: CompareResults, options: PlotOptions = {}): Promise<ReportPaths> {
  const plotDir = path.join(outDir, 'plots');
  fs.mkdirSync(plotDir, { recursive: true });
  const paths: ReportPaths = {
    json: path.join(outDir, 'results.json'),
    markdown: path.join(outDir, 'results.md'),
    html: path.join(outDir, 'report.html'),
    plots: {},
  };
  fs.writeFileSync(paths.json, JSON.stringify(results, null, 2) + '\n');
  fs.writeFileSync(paths.markdown, reportMarkdown(results));
  const plots = await renderPlots(results, options);
  for (const p of plots) {
    paths.plots[p.name] = path.join(plotDir, `${p.name}.svg`);
    fs.writeFileSync(paths.plots[p.name], p.svg);
  }
  fs.writeFileSync(paths.html, reportHtml(results, plots));
  return paths;
}

/** Reads and validates a `results.json` written by `writeReport` (non-finite metrics come back NaN). */
export function readResults(file: string): CompareResults {
  return parseCompareResults(readJsonFile(file, 'results'), file);
}
