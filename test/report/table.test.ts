import { expect } from 'chai';
import { CHANCE_ROW, fullTable, reportMarkdown, resultsMarkdown, resultsText } from '../../lib/report/table';
import { twoArmsTwoSeeds } from './fixture';

/** Markdown table -> header cells and rows of cells. */
function parseMarkdown(md: string): { header: string[]; rows: string[][] } {
  const cells = (line: string): string[] => line.slice(1, -1).split(' | ').map((c) => c.trim());
  const lines = md.trim().split('\n');
  expect(lines[1]).to.match(/^\|(-{3}:?\|)+$/);
  return { header: cells(lines[0]), rows: lines.slice(2).map(cells) };
}

/** t-interval half width over two seeds with sample std s: t(0.975, 1) · s / √2. */
const tHalf = (s: number) => (12.706 * s) / Math.SQRT2;

describe('report/table', () => {
  const md = resultsMarkdown(twoArmsTwoSeeds());
  const { header, rows } = parseMarkdown(md);
  const get = (arm: string, column: string): string => {
    const j = header.indexOf(column);
    expect(j, `column ${column} in ${header.join(', ')}`).to.be.greaterThan(-1);
    const row = rows.find((r) => r[0] === arm);
    expect(row, `row ${arm}`).to.not.equal(undefined);
    return row![j];
  };

  it('has one row per arm then the chance row, key-metric columns in report order, cost last', () => {
    expect(rows.map((r) => r[0])).to.deep.equal(['clip', 'mae', CHANCE_ROW]);
    expect(header).to.deep.equal([
      'arm', 'objectives', 'params', 'retrieval/cross/t2i_r5', 'aligned_retrieval/cross/t2i_r5', 'zeroshot/in/balanced_acc', 'probe/in/acc',
      'recon/in/psnr', 'diag/in/modality_gap', 'wall time (s)', 'samples/s', 'GFLOPs/step',
    ]);
  });

  it('shows mean [95 % interval]: a t-interval over the two seeds for metrics without items (by hand)', () => {
    // clip probe 0.6, 0.8: mean 0.7, std 0.1414 -> 0.7 ∓ 1.2706
    const h = tHalf(Math.SQRT2 / 10);
    expect(get('clip', 'probe/in/acc')).to.equal(`0.700 [${(0.7 - h).toFixed(3)}, ${(0.7 + h).toFixed(3)}]`);
    // mae PSNR 20, 22: mean 21, std 1.414 -> 21 ∓ 12.706
    expect(get('mae', 'recon/in/psnr')).to.equal('21.00 [8.29, 33.71]');
    expect(get('mae', 'probe/in/acc')).to.equal('0.500 [0.500, 0.500]');
    expect(get('mae', 'GFLOPs/step')).to.equal('3.00 [3.00, 3.00]');
    expect(get('mae', 'objectives')).to.equal('mae + 0.1·mlm');
    expect(get('clip', 'params')).to.equal('1.23M');
  });

  it('a bootstrap interval over items and seeds for retrieval: mean 0.6 (hits 5/10, 7/10), inside [0, 1]', () => {
    const m = get('clip', 'retrieval/cross/t2i_r5').match(/^0\.600 \[(\d\.\d{3}), (\d\.\d{3})\]$/);
    expect(m, get('clip', 'retrieval/cross/t2i_r5')).to.not.equal(null);
    expect(Number(m![1])).to.be.within(0.2, 0.5);
    expect(Number(m![2])).to.be.within(0.7, 1);
  });

  it('shows n/a where an arm has no such metric, and each metric\'s chance in the last row', () => {
    expect(get('mae', 'retrieval/cross/t2i_r5')).to.equal('n/a');
    expect(get('mae', 'zeroshot/in/balanced_acc')).to.equal('n/a');
    expect(get('clip', 'recon/in/psnr')).to.equal('n/a');
    expect(get(CHANCE_ROW, 'retrieval/cross/t2i_r5')).to.equal('0.100');
    expect(get(CHANCE_ROW, 'zeroshot/in/balanced_acc')).to.equal('0.250');
    expect(get(CHANCE_ROW, 'recon/in/psnr')).to.equal('');
  });

  it('a seeds column when arms ran different numbers', () => {
    const uneven = twoArmsTwoSeeds();
    uneven.arms = uneven.arms.filter((a) => a.seed === 1 || a.name === 'mae');
    const { header: h, rows: r } = parseMarkdown(resultsMarkdown(uneven));
    expect(h.slice(0, 4)).to.deep.equal(['arm', 'objectives', 'seeds', 'params']);
    expect(r.map((row) => row[h.indexOf('seeds')])).to.deep.equal(['1', '2', '']);
  });

  it('takes an explicit metric list', () => {
    const { header: h } = parseMarkdown(resultsMarkdown(twoArmsTwoSeeds(), { metrics: ['recon/in/psnr'] }));
    expect(h.slice(3)).to.deep.equal(['recon/in/psnr']);
  });

  it('the full table has every metric as a row, including non-key ones, and a chance column', () => {
    const t = fullTable(twoArmsTwoSeeds());
    expect(t.columns).to.deep.equal(['metric', 'clip', 'mae', 'chance']);
    const r10 = t.rows.find((r) => r[0] === 'retrieval/cross/t2i_r10')!;
    expect(r10[1]).to.match(/^0\.950 \[/);
    expect(r10.slice(2)).to.deep.equal(['n/a', '0.100']);
    const time = t.rows.find((r) => r[0] === 'wall time (s)')!;
    const h = tHalf(2 * Math.SQRT2);
    expect(time.slice(1)).to.deep.equal([`12.00 [${(12 - h).toFixed(2)}, ${(12 + h).toFixed(2)}]`, '20.00 [20.00, 20.00]', '']);
  });

  it('the text table aligns every column', () => {
    const lines = resultsText(twoArmsTwoSeeds()).split('\n');
    expect(lines).to.have.length(5);
    const width = (s: string): number => [...s].length;
    for (const line of lines.slice(2, 4)) expect(width(line)).to.equal(width(lines[1]));
    expect(lines[3]).to.match(/^mae\s+mae \+ 0\.1·mlm\s+1\.23M\s+n\/a\s+0\.250 \[/);
  });

  it('results.md: question, findings, tables, caveats, in that order', () => {
    const full = reportMarkdown(twoArmsTwoSeeds());
    const at = (s: string) => full.indexOf(s);
    const order = ['**Question.**', '## Findings', 'clip vs mae on aligned_retrieval/cross/t2i_r5: +0.350', '## Learning curves', '## Key metrics', '## All metrics', '## Caveats'];
    for (const s of order) expect(at(s), s).to.be.greaterThan(-1);
    expect(order.map(at)).to.deep.equal([...order.map(at)].sort((a, b) => a - b));
    expect(full).to.contain('- SigLIP vs CLIP as the batch shrinks: arm siglip not in this study');
  });
});
