import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { readResults, writeReport, type ReportPaths } from '../../lib/report/html';
import { resultsMarkdown } from '../../lib/report/table';
import { twoArmsTwoSeeds } from './fixture';

describe('report/html', () => {
  let dir: string;
  let paths: ReportPaths;
  let html: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-report-'));
    paths = await writeReport(path.join(dir, 'out'), twoArmsTwoSeeds());
    html = fs.readFileSync(paths.html, 'utf8');
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('writes results.json, results.md, plots/*.svg and report.html', () => {
    const out = path.join(dir, 'out');
    expect(paths.json).to.equal(path.join(out, 'results.json'));
    expect(paths.markdown).to.equal(path.join(out, 'results.md'));
    expect(paths.html).to.equal(path.join(out, 'report.html'));
    expect(Object.keys(paths.plots)).to.deep.equal(['findings', 'curves_flops', 'curves_time', 'metrics', 'loss']);
    for (const [name, p] of Object.entries(paths.plots)) {
      expect(p).to.equal(path.join(out, 'plots', `${name}.svg`));
      expect(fs.readFileSync(p, 'utf8')).to.match(/^<svg[^>]*xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
    }
    expect(fs.readFileSync(paths.markdown, 'utf8')).to.contain(resultsMarkdown(twoArmsTwoSeeds()));
  });

  it('results.json reads back to the same results', () => {
    expect(readResults(paths.json)).to.deep.equal(twoArmsTwoSeeds());
  });

  it('a NaN metric is written as null and read back as NaN', async () => {
    const r = twoArmsTwoSeeds();
    r.arms[0].metrics['diag/in/modality_gap'] = NaN;
    r.stats.clip['diag/in/modality_gap'].mean = NaN;
    const p = await writeReport(path.join(dir, 'nan'), r);
    expect(fs.readFileSync(p.json, 'utf8')).to.contain('"diag/in/modality_gap": null');
    const back = readResults(p.json);
    expect(back.arms[0].metrics['diag/in/modality_gap']).to.be.NaN;
    expect(back.stats.clip['diag/in/modality_gap'].mean).to.be.NaN;
    expect(() => readResults(path.join(dir, 'missing.json'))).to.throw(/missing\.json/);
  });

  it('report.html shows every arm in both tables and inlines every plot', () => {
    const keyTable = html.match(/<table id="key-metrics">[\s\S]*?<\/table>/)![0];
    const rows = [...keyTable.matchAll(/<tr><td>([^<]+)<\/td>/g)].map((m) => m[1]);
    expect(rows).to.deep.equal(['clip', 'mae', 'chance']);
    expect(keyTable).to.contain('21.00<span class="sd">[8.29, 33.71]</span>').and.contain('n/a');
    expect(html).to.match(/<table id="all-metrics">[\s\S]*<th class="num">clip<\/th><th class="num">mae<\/th><th class="num">chance<\/th>/);
    for (const name of Object.keys(paths.plots)) {
      const svg = fs.readFileSync(paths.plots[name], 'utf8');
      expect(html, name).to.contain(`<figure id="plot-${name}"`);
      expect(html, name).to.contain(svg);
    }
    expect(html.split('<svg').length - 1).to.equal(5);
  });

  it('report.html reads in order: question, findings (words, then the forest plot), curves, tables, caveats', () => {
    const order = ['id="question"', 'id="findings"', 'id="findings-list"', 'id="plot-findings"', 'id="curves"', 'id="plot-curves_flops"', 'id="plot-curves_time"',
      'id="tables"', 'id="key-metrics"', 'id="all-metrics"', 'id="caveats"'];
    const at = order.map((s) => html.indexOf(s));
    order.forEach((s, i) => expect(at[i], s).to.be.greaterThan(-1));
    expect(at).to.deep.equal([...at].sort((a, b) => a - b));
    const findings = html.match(/<ol id="findings-list">[\s\S]*?<\/ol>/)![0];
    expect(findings).to.contain('<li class="sig">clip vs mae on aligned_retrieval/cross/t2i_r5: +0.350 [');
    expect(html).to.match(/<ul id="skipped-findings"[\s\S]*FLIP vs CLIP per unit of compute: arm flip not in this study/);
  });

  it('report.html is self-contained: no scripts, stylesheets, images or URLs other than SVG namespaces', () => {
    expect(html).to.not.match(/<script|<link|<img|<iframe|@import/i);
    const urls = [...html.matchAll(/(https?:)?\/\/[\w.-]+\.[a-z]{2,}[^\s"')<]*/gi)].map((m) => m[0]);
    expect(urls.filter((u) => !/^http:\/\/www\.w3\.org\/(2000\/svg|1999\/xlink)$/.test(u))).to.deep.equal([]);
    expect(html).to.contain('<style>');
  });

  it('escapes HTML in arm names and config', async () => {
    const r = twoArmsTwoSeeds();
    for (const a of r.arms) if (a.name === 'clip') a.name = '<i>clip</i>';
    r.config = { note: '</pre><script>x</script>' };
    const h = fs.readFileSync((await writeReport(path.join(dir, 'esc'), r)).html, 'utf8');
    expect(h).to.contain('&lt;i&gt;clip&lt;/i&gt;');
    expect(h).to.not.contain('<script>');
    expect(h).to.not.contain('<i>clip'); // vega escapes SVG text too
  });
});
