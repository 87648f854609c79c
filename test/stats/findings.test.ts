import { expect } from 'chai';
import { FINDING_RULES, RunTable, baselineDifferences, baselineOf, generateFindings, metricStats, sampleAtFlops, type CurvePoint, type RunSamples, type Sample } from '../../lib/stats';

const R5 = 'retrieval/cross/t2i_r5';
/** 0/1 items: the first k of n are hits. */
const hits = (n: number, k: number): Sample => ({ value: k / n, items: Array.from({ length: n }, (_, i) => (i < k ? 1 : 0)), chance: 5 / n, higherIsBetter: true });
/** Items v (every item the same value). */
const flat = (n: number, v: number): Sample => ({ value: v, items: Array(n).fill(v), higherIsBetter: true });
const curve = (perStep: number, values: number[]): CurvePoint[] =>
  values.map((v, k) => ({ step: (k + 1) * 10, flops: (k + 1) * 10 * perStep, seconds: k + 1, metrics: { [R5]: flat(20, v) } }));

/** A synthetic study: numbers chosen so each finding is known by hand. */
function study(): RunSamples[] {
  return [
    { arm: 'clip', seed: 0, metrics: { [R5]: flat(20, 0.5) }, curve: curve(2, [0.1, 0.2, 0.3, 0.5]) },
    { arm: 'clip+mae', seed: 0, metrics: { [R5]: flat(20, 0.6) } },
    { arm: 'flip', seed: 0, metrics: { [R5]: flat(20, 0.4) }, curve: curve(1, [0.2, 0.3, 0.35, 0.4]) },
    { arm: 'maskvlm', seed: 0, metrics: { [R5]: hits(20, 10), 'recon/in/mlm_acc': flat(8, 0.5), 'recon/in/mlm_acc_noimage': flat(8, 0.25) } },
    { arm: 'mae', seed: 0, metrics: { 'recon/in/psnr': { value: 20, higherIsBetter: true } } },
    { arm: 'siglip', seed: 0, metrics: { [R5]: flat(20, 0.5) } },
    { arm: 'siglip@b16', seed: 0, metrics: { [R5]: flat(20, 0.45) } },
    { arm: 'clip@b16', seed: 0, metrics: { [R5]: flat(20, 0.35) } },
  ];
}

describe('stats/findings (synthetic results)', () => {
  const { findings, skipped } = generateFindings({ table: new RunTable(study()), batchSize: 32 });
  const byRule = (rule: string) => findings.filter((f) => f.rule.startsWith(rule));

  it('adding MAE to CLIP: +0.1 on every item is +0.100 [0.100, 0.100], significant, in words', () => {
    const [f] = byRule('adding MAE to CLIP (Weers et al. 2023): retrieval');
    expect(f).to.include({ metric: R5, significant: true, over: 'items' });
    expect(f.arms).to.deep.equal(['clip+mae', 'clip']);
    expect(f.diff).to.be.closeTo(0.1, 1e-12);
    expect(f.ci95![0]).to.be.closeTo(0.1, 1e-12);
    expect(f.claim).to.equal(`clip+mae vs clip on ${R5}: +0.100 [0.100, 0.100], clip+mae higher (better)`);
  });

  it('FLIP vs CLIP at matched compute reads CLIP\'s curve at FLIP\'s final FLOPs (linear between evaluations)', () => {
    // flip ends at 40 steps × 1 = 40 FLOPs; clip passed 40 FLOPs at step 20 (0.2): 0.4 − 0.2
    const [f] = byRule('FLIP vs CLIP per unit of compute');
    expect(f.diff).to.be.closeTo(0.2, 1e-12);
    expect(f.at).to.match(/matched compute/);
    const [steps] = byRule('FLIP vs CLIP at matched steps');
    expect(steps.diff).to.be.closeTo(-0.1, 1e-12);
    expect(steps.claim).to.match(/flip lower \(worse\)$/);
  });

  it('reconstruction with vs without the image: a within-arm paired difference', () => {
    const [f] = byRule('reconstruction with vs without');
    expect(f.arms).to.deep.equal(['maskvlm', 'maskvlm']);
    expect(f).to.include({ metric: 'recon/in/mlm_acc', baselineMetric: 'recon/in/mlm_acc_noimage', significant: true });
    expect(f.diff).to.be.closeTo(0.25, 1e-12);
  });

  it('SigLIP vs CLIP: one finding per batch size, smallest first, then how the gap changes', () => {
    const sweep = byRule('SigLIP vs CLIP');
    expect(sweep.map((f) => f.at)).to.deep.equal(['batch 16', 'batch 32', 'gap at batch 16 − gap at batch 32']);
    // (0.45 − 0.35) − (0.5 − 0.5) on every item
    expect(sweep[2].diff).to.be.closeTo(0.1, 1e-12);
    expect(sweep[2].arms).to.deep.equal(['siglip@b16', 'siglip']);
    expect(sweep[2].claim).to.match(/^\(siglip@b16 − clip@b16\) at batch 16 vs \(siglip − clip\) at batch 32 on .*: \+0\.100 \[0\.100, 0\.100\], the gap at batch 16 higher \(better\)$/);
    expect(sweep.slice(0, 2).map((f) => f.arms)).to.deep.equal([['siglip@b16', 'clip@b16'], ['siglip', 'clip']]);
    expect(sweep[0].diff).to.be.closeTo(0.1, 1e-12);
    expect(sweep[1]).to.include({ diff: 0, significant: false });
    expect(sweep[1].claim).to.match(/at batch 32 on .*: \+0\.000 \[0\.000, 0\.000\], no difference$/);
  });

  it('a noisy MaskVLM − CLIP difference whose interval spans 0 is no difference', () => {
    const [f] = byRule('MaskVLM vs CLIP');
    expect(f.diff).to.be.closeTo(0, 1e-12);
    expect(f.ci95![0]).to.be.lessThan(-0.1);
    expect(f.ci95![1]).to.be.greaterThan(0.1);
    expect(f.significant).to.equal(false);
  });

  it('skips with a reason, never invents: missing metric, missing arm', () => {
    const reasons = skipped.map((s) => `${s.rule}: ${s.reason}`);
    expect(reasons).to.include('contrastive vs masked-only (aligned retrieval): no metric of aligned_retrieval/cross/t2i_r5, aligned_retrieval/in/t2i_r5 is reported by both clip and mae');
    expect(reasons).to.include('contrastive vs masked-only (aligned retrieval): arm m3ae not in this study');
    expect(reasons.some((r) => /shapes.*arm maskvlm@shapes and clip@shapes not in this study/.test(r))).to.equal(true);
    expect(findings.length + skipped.length).to.be.at.least(FINDING_RULES.length);
  });

  it('every arm against its baseline; stats carry chance and the interval source', () => {
    const table = new RunTable(study());
    expect(baselineOf('siglip@b16')).to.equal('clip@b16');
    expect(baselineOf('clip')).to.equal(undefined);
    const diffs = baselineDifferences(table);
    expect(diffs['siglip@b16'][R5].baseline).to.equal('clip@b16');
    expect(diffs['clip+mae'][R5].diff).to.be.closeTo(0.1, 1e-12);
    expect(diffs.clip).to.equal(undefined);
    const stats = metricStats(table);
    expect(stats.maskvlm[R5]).to.include({ mean: 0.5, chance: 0.25, higherIsBetter: true, n: 20, over: 'items' });
    expect(stats.mae['recon/in/psnr']).to.include({ mean: 20, ci95: null, over: 'none' });
  });

  it('one seed without items: the difference is stated, not tested (no interval, not significant)', () => {
    const table = new RunTable([
      { arm: 'clip', seed: 0, metrics: { [R5]: { value: 0.5 } } },
      { arm: 'maskvlm', seed: 0, metrics: { [R5]: { value: 0.75 } } },
    ]);
    const [f] = generateFindings({ table }, FINDING_RULES.filter((r) => r.id === 'MaskVLM vs CLIP')).findings;
    expect(f).to.include({ diff: 0.25, ci95: null, significant: false, over: 'none' });
    expect(f.claim).to.equal(`maskvlm vs clip on ${R5}: +0.250, not tested (no interval: one seed and no per-item values)`);
  });

  it('sampleAtFlops interpolates item by item and refuses to extrapolate', () => {
    const c = curve(2, [0.1, 0.2, 0.3, 0.5]);
    expect(sampleAtFlops(c, R5, 50)!.items![0]).to.be.closeTo(0.25, 1e-12);
    expect(sampleAtFlops(c, R5, 81)).to.equal(undefined);
    expect(sampleAtFlops(c, R5, 19)).to.equal(undefined);
    expect(sampleAtFlops(c, 'nope', 40)).to.equal(undefined);
  });
});
