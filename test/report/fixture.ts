/**
 * A hand-made study: 2 arms × 2 seeds, numbers chosen so means and intervals are easy by hand,
 * statistics and findings computed by the real collect step. `clip` has retrieval (10 items, hits
 * given), zero-shot, probe, modality gap; `mae` has probe and reconstruction; both have the
 * aligned retrieval (so the contrastive-vs-masked finding exists) and a 4-point learning curve.
 */
import { collectStatistics } from '../../lib/compare/collect';
import type { ArmResult, CompareResults } from '../../lib/report/types';
import type { RunSamples, Sample } from '../../lib/stats';

/** 10 items, the first k hits; chance 0.1. */
const hits = (k: number): Sample => ({ value: k / 10, items: Array.from({ length: 10 }, (_, i) => (i < k ? 1 : 0)), chance: 0.1, higherIsBetter: true });
const value = (v: number, chance?: number): Sample => ({ value: v, ...(chance !== undefined ? { chance } : {}), higherIsBetter: true });

const R5 = 'retrieval/cross/t2i_r5';
const ALIGNED = 'aligned_retrieval/cross/t2i_r5';

function run(name: string, seed: number, metrics: Record<string, Sample>, fields: Partial<ArmResult>): { result: ArmResult; samples: RunSamples } {
  const flopsPerStep = fields.flopsPerStep ?? 1e9;
  const curveMetric = name === 'clip' ? R5 : 'recon/in/psnr';
  const curve = [1, 2, 3, 4].map((step) => ({
    step, flops: step * flopsPerStep, seconds: step * (name === 'clip' ? 2 : 5),
    metrics: { [curveMetric]: curveMetric === R5 ? hits(step + seed - 1) : value(10 + step * 2 + seed) },
  }));
  const values = (m: Record<string, Sample>) => Object.fromEntries(Object.entries(m).map(([k, s]) => [k, s.value]));
  return {
    result: {
      name, objectives: [{ name, weight: 1 }], seed, metrics: values(metrics), lossCurve: lossCurve(name === 'clip' ? 4 : 1, seed),
      curve: curve.map((p) => ({ ...p, metrics: values(p.metrics) })),
      wallTimeSec: 0, samplesPerSec: 0, flopsPerStep, steps: 4, batchSize: 8, params: 1_234_567, ...fields,
    },
    samples: { arm: name, seed, metrics, curve },
  };
}

const lossCurve = (start: number, seed: number) =>
  [0, 1, 2, 3].map((step) => ({ step, loss: start / (1 + step) + seed * 0.01, terms: { [`t${seed}`]: start } }));

export function twoArmsTwoSeeds(): CompareResults {
  const runs = [
    run('clip', 1, { [R5]: hits(5), [ALIGNED]: hits(5), 'zeroshot/in/balanced_acc': value(0.3, 0.25), 'probe/in/acc': value(0.6), 'diag/in/modality_gap': value(0.8), 'retrieval/cross/t2i_r10': hits(9) },
      { wallTimeSec: 10, samplesPerSec: 100, flopsPerStep: 2e9 }),
    run('mae', 1, { [ALIGNED]: hits(2), 'probe/in/acc': value(0.5), 'recon/in/psnr': value(20) }, { objectives: [{ name: 'mae', weight: 1 }, { name: 'mlm', weight: 0.1 }], wallTimeSec: 20, samplesPerSec: 50, flopsPerStep: 3e9 }),
    run('clip', 2, { [R5]: hits(7), [ALIGNED]: hits(7), 'zeroshot/in/balanced_acc': value(0.4, 0.25), 'probe/in/acc': value(0.8), 'diag/in/modality_gap': value(1.0), 'retrieval/cross/t2i_r10': hits(10) },
      { wallTimeSec: 14, samplesPerSec: 120, flopsPerStep: 2e9 }),
    run('mae', 2, { [ALIGNED]: hits(3), 'probe/in/acc': value(0.5), 'recon/in/psnr': value(22) }, { objectives: [{ name: 'mae', weight: 1 }, { name: 'mlm', weight: 0.1 }], wallTimeSec: 20, samplesPerSec: 50, flopsPerStep: 3e9 }),
  ];
  return {
    createdAt: '2025-01-02T03:04:05.000Z',
    preset: 'test',
    config: { steps: 4, batch: 8 },
    versions: { mvlm: '0.1.0', tfjs: '4.22.0', node: 'v20.20.2' },
    backend: 'wasm',
    seeds: [1, 2],
    arms: runs.map((r) => r.result),
    ...collectStatistics({ runs, batchSize: 8, replicates: 200 }),
  };
}
