/**
 * A hand-made CompareResults: 2 arms × 2 seeds, numbers chosen so mean ± sample std is easy by
 * hand. `clip` has retrieval, zero-shot, probe and modality gap; `mae` has probe and reconstruction.
 */
import type { ArmResult, CompareResults } from '../../lib/report/types';

function arm(name: string, seed: number, fields: Partial<ArmResult>): ArmResult {
  return {
    name,
    objectives: [{ name, weight: 1 }],
    seed,
    metrics: {},
    lossCurve: [],
    wallTimeSec: 0,
    samplesPerSec: 0,
    flopsPerStep: 0,
    steps: 4,
    params: 1_234_567,
    ...fields,
  };
}

const curve = (start: number, seed: number) =>
  [0, 1, 2, 3].map((step) => ({ step, loss: start / (1 + step) + seed * 0.01, terms: { [`t${seed}`]: start } }));

export function twoArmsTwoSeeds(): CompareResults {
  return {
    createdAt: '2025-01-02T03:04:05.000Z',
    preset: 'test',
    config: { steps: 4, batch: 8 },
    versions: { mvlm: '0.1.0', tfjs: '4.22.0', node: 'v20.20.2' },
    backend: 'wasm',
    seeds: [1, 2],
    arms: [
      arm('clip', 1, {
        metrics: { 'retrieval/cross/i2t_r5': 0.5, 'zeroshot/top1': 0.3, 'probe/acc': 0.6, 'diag/modality_gap': 0.8, 'retrieval/cross/i2t_r10': 0.9 },
        lossCurve: curve(4, 1), wallTimeSec: 10, samplesPerSec: 100, flopsPerStep: 2e9,
      }),
      arm('mae', 1, {
        objectives: [{ name: 'mae', weight: 1 }, { name: 'mlm', weight: 0.1 }],
        metrics: { 'probe/acc': 0.5, 'recon/psnr': 20 },
        lossCurve: curve(1, 1), wallTimeSec: 20, samplesPerSec: 50, flopsPerStep: 3e9,
      }),
      arm('clip', 2, {
        metrics: { 'retrieval/cross/i2t_r5': 0.7, 'zeroshot/top1': 0.4, 'probe/acc': 0.8, 'diag/modality_gap': 1.0, 'retrieval/cross/i2t_r10': 0.95 },
        lossCurve: curve(4, 2), wallTimeSec: 14, samplesPerSec: 120, flopsPerStep: 2e9,
      }),
      arm('mae', 2, {
        objectives: [{ name: 'mae', weight: 1 }, { name: 'mlm', weight: 0.1 }],
        metrics: { 'probe/acc': 0.5, 'recon/psnr': 22 },
        lossCurve: curve(1, 2), wallTimeSec: 20, samplesPerSec: 50, flopsPerStep: 3e9,
      }),
    ],
  };
}
