import { expect } from 'chai';
import { curveMetrics, curvesSpec } from '../../lib/report/curves_plot';
import { forestSpec } from '../../lib/report/forest_plot';
import { defaultIntervalMetrics, lossPlotSpec, metricIntervalsSpec, renderPlots } from '../../lib/report/plots';
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

  it('forest plot: a point and an interval per finding, a panel per metric, a dashed zero line, generic font', async () => {
    const svg = await renderSvg(forestSpec(results));
    expect(results.findings).to.have.length(1);
    expect(countRole(svg, 'point')).to.equal(1);
    expect(countRole(svg, 'rule mark')).to.equal(1); // the interval
    expect(svg.split('stroke-dasharray="4,3"').length - 1).to.equal(1); // the zero line
    expect(texts(svg)).to.include.members(['clip − mae', 'aligned_retrieval/cross/t2i_r5', 'interval excludes 0', 'interval includes 0']);
    // the point sits at the difference: 0.6 − 0.25 over both seeds
    expect(svg).to.match(/aria-label="diff: 0\.35; label: clip − mae/);
    expect(svg).to.match(/font-family="sans-serif"/);
    expect(svg).to.not.match(/font-family="(?!sans-serif")/);
  });

  it('learning curves: a line per arm and seed per metric panel, x in TFLOPs or seconds, chance dashed', async () => {
    expect(curveMetrics(results)).to.deep.equal(['retrieval/cross/t2i_r5', 'recon/in/psnr']);
    const flops = await renderSvg(curvesSpec(results, 'flops'));
    expect(countRole(flops, 'line mark')).to.equal(4); // clip × 2 seeds (R@5), mae × 2 seeds (PSNR)
    expect(countRole(flops, 'rule mark')).to.equal(1); // chance for R@5 only: PSNR has none
    expect(texts(flops)).to.include.members(['training compute (TFLOPs, cumulative)', 'retrieval/cross/t2i_r5', 'recon/in/psnr']);
    // clip seed 1 at step 4: 4 × 2 GFLOPs = 0.008 TFLOPs, hits 4/10
    expect(flops).to.match(/aria-label="training compute \(TFLOPs, cumulative\): 0\.008; value: 0\.4; arm: clip/);
    const time = await renderSvg(curvesSpec(results, 'seconds'));
    expect(texts(time)).to.include('training wall time (s)');
    expect(time).to.match(/aria-label="training wall time \(s\): 8; value: 0\.4; arm: clip/);
  });

  it('key metrics: a point and interval per arm and metric, each metric its own panel, chance dashed', async () => {
    const metrics = defaultIntervalMetrics(results);
    expect(metrics).to.deep.equal(['retrieval/cross/t2i_r5', 'aligned_retrieval/cross/t2i_r5', 'zeroshot/in/balanced_acc', 'probe/in/acc', 'recon/in/psnr']);
    const svg = await renderSvg(metricIntervalsSpec(results, metrics));
    // clip: 4 metrics; mae: aligned, probe, PSNR
    expect(countRole(svg, 'point')).to.equal(7);
    expect(countRole(svg, 'rule mark')).to.equal(7 + 3); // intervals + chance in R@5, aligned R@5, zero-shot
    expect(svg).to.match(/aria-label="mean: 21; arm: mae"/);
  });

  it('loss: a panel per arm (each its own scale), a line per seed', async () => {
    const svg = await renderSvg(lossPlotSpec(results));
    expect(countRole(svg, 'line mark')).to.equal(4);
    expect(texts(svg)).to.include.members(['clip', 'mae', 'loss', 'step']);
    expect(JSON.stringify(lossPlotSpec(results))).to.contain('"resolve":{"scale":{"y":"independent"}}');
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

  it('renderPlots: findings, curves, metrics, loss in the report\'s order; skips plots with no data', async () => {
    const plots = await renderPlots(results);
    expect(plots.map((p) => p.name)).to.deep.equal(['findings', 'curves_flops', 'curves_time', 'metrics', 'loss']);
    const bare = twoArmsTwoSeeds();
    for (const a of bare.arms) [a.metrics, a.lossCurve, a.curve] = [{}, [], []];
    [bare.stats, bare.findings] = [{}, []];
    expect((await renderPlots(bare)).map((p) => p.name)).to.deep.equal([]);
  });
});
