import { expect } from 'chai';
import { fullTable, resultsMarkdown, resultsText } from '../../lib/report/table';
import { twoArmsTwoSeeds } from './fixture';

/** Markdown table -> header cells and rows of cells. */
function parseMarkdown(md: string): { header: string[]; rows: string[][] } {
  const cells = (line: string): string[] => line.slice(1, -1).split(' | ').map((c) => c.trim());
  const lines = md.trim().split('\n');
  expect(lines[1]).to.match(/^\|(-{3}:?\|)+$/);
  return { header: cells(lines[0]), rows: lines.slice(2).map(cells) };
}

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

  it('has one row per arm and key-metric columns in report order, cost last', () => {
    expect(rows.map((r) => r[0])).to.deep.equal(['clip', 'mae']);
    expect(header).to.deep.equal([
      'arm', 'objectives', 'params', 'retrieval/cross/i2t_r5', 'zeroshot/top1', 'probe/acc',
      'recon/psnr', 'diag/modality_gap', 'wall time (s)', 'samples/s', 'GFLOPs/step',
    ]);
  });

  it('shows mean ± sample std over the two seeds (computed by hand)', () => {
    // clip R@5 0.5, 0.7: mean 0.6, std sqrt((0.01 + 0.01) / 1) = 0.1414
    expect(get('clip', 'retrieval/cross/i2t_r5')).to.equal('0.600 ± 0.141');
    // clip top-1 0.3, 0.4: mean 0.35, std sqrt(0.005) = 0.0707
    expect(get('clip', 'zeroshot/top1')).to.equal('0.350 ± 0.071');
    // mae PSNR 20, 22: mean 21, std sqrt(2) = 1.414
    expect(get('mae', 'recon/psnr')).to.equal('21.00 ± 1.41');
    expect(get('mae', 'probe/acc')).to.equal('0.500 ± 0.000');
    // clip wall time 10, 14: mean 12, std sqrt(8) = 2.828; samples/s 100, 120: 110 ± 14.14
    expect(get('clip', 'wall time (s)')).to.equal('12.00 ± 2.83');
    expect(get('clip', 'samples/s')).to.equal('110.0 ± 14.1');
    expect(get('mae', 'samples/s')).to.equal('50.0 ± 0.0'); // one decimal count per column
    expect(get('mae', 'GFLOPs/step')).to.equal('3.00 ± 0.00');
    expect(get('mae', 'objectives')).to.equal('mae + 0.1·mlm');
    expect(get('clip', 'params')).to.equal('1.23M');
  });

  it('shows — where an arm has no such metric', () => {
    expect(get('mae', 'retrieval/cross/i2t_r5')).to.equal('—');
    expect(get('mae', 'zeroshot/top1')).to.equal('—');
    expect(get('mae', 'diag/modality_gap')).to.equal('—');
    expect(get('clip', 'recon/psnr')).to.equal('—');
  });

  it('shows a plain mean with one seed, and a seeds column when arms ran different numbers', () => {
    const uneven = twoArmsTwoSeeds();
    uneven.arms = uneven.arms.filter((a) => a.seed === 1 || a.name === 'mae');
    const { header: h, rows: r } = parseMarkdown(resultsMarkdown(uneven));
    expect(h.slice(0, 4)).to.deep.equal(['arm', 'objectives', 'seeds', 'params']);
    expect(r.map((row) => row[h.indexOf('seeds')])).to.deep.equal(['1', '2']);
    expect(r[0][h.indexOf('retrieval/cross/i2t_r5')]).to.equal('0.500');
    expect(r[1][h.indexOf('recon/psnr')]).to.equal('21.00 ± 1.41');
  });

  it('takes an explicit metric list', () => {
    const { header: h } = parseMarkdown(resultsMarkdown(twoArmsTwoSeeds(), { metrics: ['recon/psnr'] }));
    expect(h.slice(3)).to.deep.equal(['recon/psnr']);
  });

  it('the full table has every metric as a row, including non-key ones', () => {
    const t = fullTable(twoArmsTwoSeeds());
    expect(t.columns).to.deep.equal(['metric', 'clip', 'mae']);
    const r10 = t.rows.find((r) => r[0] === 'retrieval/cross/i2t_r10')!;
    expect(r10.slice(1)).to.deep.equal(['0.925 ± 0.035', '—']); // 0.9, 0.95
    const time = t.rows.find((r) => r[0] === 'wall time (s)')!;
    expect(time.slice(1)).to.deep.equal(['12.00 ± 2.83', '20.00 ± 0.00']);
  });

  it('the text table aligns every column', () => {
    const lines = resultsText(twoArmsTwoSeeds()).split('\n');
    expect(lines).to.have.length(4);
    const width = (s: string): number => [...s].length;
    const rule = lines[1];
    // Every numeric cell ends where its dashes end: the last column is right-aligned to the rule.
    expect(width(lines[2])).to.equal(width(rule));
    expect(width(lines[3])).to.equal(width(rule));
    expect(lines[3]).to.match(/^mae\s+mae \+ 0\.1·mlm\s+1\.23M\s+—\s+—\s+0\.500 ± 0\.000/);
    expect(lines[2].indexOf('0.700 ± 0.141')).to.equal(lines[3].indexOf('0.500 ± 0.000'));
  });
});
