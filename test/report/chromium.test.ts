import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import sharp from 'sharp';
import { writeReport, type ReportPaths } from '../../lib/report/html';
import { CHROMIUM, describeNeeding } from '../system_requirements';
import { runChromium } from './chromium';
import { twoArmsTwoSeeds } from './fixture';

/** Opens the written report.html in Debian's headless Chromium (installed by .ci/run). */
describeNeeding(CHROMIUM, 'report/html in headless Chromium', function () {
  this.timeout(120_000);
  let dir: string;
  let paths: ReportPaths;
  let dom: string;
  let png: string;

  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-report-chromium-'));
    paths = await writeReport(path.join(dir, 'out'), twoArmsTwoSeeds());
    png = path.join(dir, 'report.png');
    [dom] = await Promise.all([runChromium(paths.html, { dumpDom: true }), runChromium(paths.html, { screenshot: png })]);
    if (process.env.MVLM_KEEP_SCREENSHOT) fs.copyFileSync(png, process.env.MVLM_KEEP_SCREENSHOT);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('the rendered DOM holds the table with every arm and the three SVG plots with their marks', () => {
    expect(dom).to.match(/<table id="key-metrics">/);
    const keyTable = dom.match(/<table id="key-metrics">[\s\S]*?<\/table>/)![0];
    for (const arm of ['clip', 'mae']) expect(keyTable).to.match(new RegExp(`<td>${arm}</td>`));
    expect(keyTable).to.contain('0.600<span class="sd">± 0.141</span>');
    expect(dom).to.match(/<p class="note" id="objectives">.*<b>mae<\/b> = mae \+ 0\.1·mlm/);
    for (const name of Object.keys(paths.plots)) {
      const figure = dom.match(new RegExp(`<figure id="plot-${name}"[\\s\\S]*?</figure>`));
      expect(figure, name).to.not.equal(null);
      expect(figure![0], name).to.match(/<svg[^>]*class="marks"/);
    }
    expect(dom.split('aria-roledescription="bar"').length - 1).to.equal(6);
    expect(dom.split('aria-roledescription="line mark"').length - 1).to.equal(4);
  });

  it('the screenshot is the window size and not blank', async () => {
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height]).to.deep.equal([1200, 2000]);
    const stats = await sharp(png).stats();
    const rgb = stats.channels.slice(0, 3);
    expect(rgb.some((c) => c.max - c.min > 100), 'more than one colour').to.equal(true);
    expect(rgb.every((c) => c.stdev > 5), 'more than a few dark pixels').to.equal(true);
  });
});
