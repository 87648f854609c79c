import { expect } from 'chai';
import {
  accuracyVsTimeSpec, defaultAccuracyMetric, defaultBarMetrics, lossPlotSpec, metricBarsSpec, renderPlots,
} from '../../lib/report/plots';
import { renderSvg } from '../../lib/report/render';
import { twoArmsTwoSeeds } from './fixture';

/** Count of marks vega labelled with this aria role (one per bar, point, line...). */
function countRole(svg: string, role: string): number {
  return svg.split(`aria-roledescription="${role}"`).length - 1;
}

/** Text content of every <text> element. */
function texts(svg: string): string[] {
  return [...svg.matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
}

describe('report/plots', () => {
  const results = twoArmsTwoSeeds();

  it('loss: one line per arm and seed, log y, arms in the legend, generic font', async () => {
    const svg = await renderSvg(lossPlotSpec(results));
    expect(svg.startsWith('<svg')).to.equal(true);
    expect(countRole(svg, 'line mark')).to.equal(4); // 2 arms × 2 seeds
    expect(texts(svg)).to.include.members(['clip', 'mae', 'Training loss', 'loss (log scale)', 'step']);
    expect(svg).to.match(/font-family="sans-serif"/);
    expect(svg).to.not.match(/font-family="(?!sans-serif")/);
  });

  it('loss: linear y when a loss is not positive', () => {
    const r = twoArmsTwoSeeds();
    r.arms[0].lossCurve[0].loss = -0.5;
    expect(JSON.stringify(lossPlotSpec(r))).to.contain('"type":"linear"');
  });

  it('metric bars: one bar per arm and metric present, error bars and a dot per seed', async () => {
    const metrics = defaultBarMetrics(results);
    expect(metrics).to.deep.equal(['retrieval/cross/i2t_r5', 'zeroshot/top1', 'probe/acc', 'recon/psnr', 'diag/modality_gap']);
    const svg = await renderSvg(metricBarsSpec(results, metrics));
    // clip: R@5, top-1, probe, gap (4); mae: probe, PSNR (2)
    expect(countRole(svg, 'bar')).to.equal(6);
    expect(countRole(svg, 'point')).to.equal(12); // 6 bars × 2 seeds
    expect(countRole(svg, 'errorbar')).to.be.greaterThan(0);
    for (const m of [...metrics, 'clip', 'mae']) expect(texts(svg), m).to.include(m);
    // the bar's height is the mean: vega labels each bar with its value
    expect(svg).to.match(/aria-label="arm: clip; Mean of value: 0\.6[^"]*"/);
  });

  it('metric bars: no error bars with a single seed', async () => {
    const one = twoArmsTwoSeeds();
    one.arms = one.arms.filter((a) => a.seed === 1);
    const svg = await renderSvg(metricBarsSpec(one));
    expect(countRole(svg, 'bar')).to.equal(6);
    expect(countRole(svg, 'errorbar')).to.equal(0);
    expect(countRole(svg, 'point')).to.equal(0);
  });

  it('accuracy vs time: defaults to the accuracy metric most arms report; a labelled point per arm', async () => {
    expect(defaultAccuracyMetric(results)).to.equal('probe/acc'); // R@5 and top-1 only for clip
    const svg = await renderSvg(accuracyVsTimeSpec(results, 'probe/acc'));
    expect(countRole(svg, 'point')).to.equal(2);
    expect(countRole(svg, 'text mark')).to.equal(2);
    expect(texts(svg)).to.include.members(['clip', 'mae', 'training wall time (s)', 'probe/acc']);
    // clip: means of 10, 14 s and 0.6, 0.8; whiskers at 0.7 ∓ 0.1414
    expect(svg).to.contain('aria-label="training wall time (s): 12; probe/acc: 0.7; arm: clip"');
    expect(svg).to.contain('aria-label="training wall time (s): 12; probe/acc: 0.558578643763; accHi: 0.841421356237; arm: clip"');
  });

  it('renderSvg namespaces element ids and their references, so inlined SVGs do not clash', async () => {
    const spec = { data: { values: [{ x: 1, y: 2 }, { x: 3, y: 1 }] }, mark: { type: 'line', clip: true },
      encoding: { x: { field: 'x', type: 'quantitative' }, y: { field: 'y', type: 'quantitative' } } } as const;
    const [a, b] = [await renderSvg(spec, 'a'), await renderSvg(spec, 'b')];
    const ids = (svg: string): string[] => [...svg.matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]);
    const refs = (svg: string): string[] => [...svg.matchAll(/url\(#([^)]+)\)/g)].map((m) => m[1]);
    expect(ids(a).length).to.be.greaterThan(0); // the clip path
    expect(ids(a).every((id) => id.startsWith('a-'))).to.equal(true);
    expect(ids(a).filter((id) => ids(b).includes(id))).to.deep.equal([]);
    for (const svg of [a, b]) for (const ref of refs(svg)) expect(ids(svg)).to.include(ref);
  });

  it('renderPlots: loss, metrics, accuracy vs time; skips plots with no data', async () => {
    const plots = await renderPlots(results);
    expect(plots.map((p) => p.name)).to.deep.equal(['loss', 'metrics', 'accuracy_vs_time']);
    for (const p of plots) expect(p.svg, p.name).to.contain('clip').and.contain('mae');
    const bare = twoArmsTwoSeeds();
    for (const a of bare.arms) [a.metrics, a.lossCurve] = [{}, []];
    expect((await renderPlots(bare)).map((p) => p.name)).to.deep.equal([]);
  });
});
