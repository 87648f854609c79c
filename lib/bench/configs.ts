/**
 * The benchmark's reference configs, fixed so numbers compare across commits:
 *  - tiny: images 32×32×3, patch 8 (N = 16), T = 16, V = 1000, width 128, depth 2 per tower,
 *    4 heads, MLP 4×, batch 32; CLIP + MLM (15 %) + pixel MIM; Adam.
 *  - small: the same with width 256, depth 4, batch 64.
 * "Pixel MIM with a linear decoder over every patch" is the MAE objective with a depth-0 pixel
 * decoder: embed (linear) + mask tokens + positions + LayerNorm + pred (linear) over all N
 * patches. It is linear up to that one LayerNorm, and its FLOPs are counted like any others.
 */
import * as tf from '@tensorflow/tfjs';
import { ModelConfigInput, TextSpec } from '../models';
import { OBJECTIVES, ObjectiveSpec, TrainBatch, objectiveModules } from '../objectives';
import { Rng } from '../random';

export interface BenchConfig {
  name: string;
  model: ModelConfigInput;
  objectives: ObjectiveSpec[];
  batchSize: number;
}

export const BENCH_TEXT: TextSpec = { vocabSize: 1000, padId: 0, clsId: 2, sepId: 3, maskId: 4, specialIds: [0, 1, 2, 3, 4] };
const T = 16;

const TINY_MODEL: ModelConfigInput = {
  imageSize: 32,
  patchSize: 8,
  channels: 3,
  width: 128,
  depth: 2,
  heads: 4,
  mlpRatio: 4,
  embedDim: 128,
  text: { maxLen: T },
  mlmHead: true,
  pixelDecoder: { width: 128, depth: 0, heads: 4 },
};

const REFERENCE_OBJECTIVES: ObjectiveSpec[] = [
  { name: 'clip' },
  { name: 'mlm', rate: 0.15 },
  { name: 'mae', maskRatio: 0.75 },
];

export const TINY: BenchConfig = { name: 'tiny', model: TINY_MODEL, objectives: REFERENCE_OBJECTIVES, batchSize: 32 };
export const SMALL: BenchConfig = {
  name: 'small',
  model: { ...TINY_MODEL, width: 256, depth: 4, embedDim: 256, pixelDecoder: { width: 256, depth: 0, heads: 4 } },
  objectives: REFERENCE_OBJECTIVES,
  batchSize: 64,
};

/** Every registered objective but those that need files from outside (LiT's pretrained tower). */
export const BENCH_OBJECTIVES = Object.keys(OBJECTIVES).filter((name) => name !== 'lit');

/** One config per registered objective on the towers of `base` (throws on an objective it does not know). */
export function objectiveConfig(name: string, base: BenchConfig = TINY): BenchConfig {
  if (!BENCH_OBJECTIVES.includes(name)) throw new Error(`bench: no config for objective '${name}' (known: ${BENCH_OBJECTIVES.join(', ')})`);
  const { mlmHead: _m, pixelDecoder: _p, ...towers } = base.model;
  const spec = { name };
  return { name: `${base.name}/${name}`, model: { ...towers, ...objectiveModules([spec], 'bench') }, objectives: [spec], batchSize: base.batchSize };
}

/**
 * A seeded synthetic batch: images uniform in [0, 1), captions [CLS] w… [SEP] [PAD]… of random
 * length 4..T with ids from the non-special range. The caller disposes it (`disposeBatch`).
 */
export function syntheticBatch(cfg: BenchConfig, text: TextSpec, seed: number): TrainBatch {
  const B = cfg.batchSize;
  const size = cfg.model.imageSize ?? 32;
  const channels = cfg.model.channels ?? 3;
  const len = cfg.model.text?.maxLen ?? T;
  const rng = new Rng(seed);
  const first = Math.max(...text.specialIds) + 1;
  const rows: number[][] = [];
  for (let b = 0; b < B; b++) {
    const n = Math.min(len, 4 + rng.int(Math.max(1, len - 3)));
    const row = [text.clsId];
    for (let t = 1; t < n - 1; t++) row.push(first + rng.int(text.vocabSize - first));
    row.push(text.sepId);
    while (row.length < len) row.push(text.padId);
    rows.push(row);
  }
  return {
    images: tf.randomUniform([B, size, size, channels], 0, 1, 'float32', rng.tfSeed()) as tf.Tensor4D,
    tokens: tf.tensor2d(rows, [B, len], 'int32'),
    attention: tf.tensor2d(rows.map((r) => r.map((id) => (id === text.padId ? 0 : 1))), [B, len], 'float32'),
    tokenRows: rows,
  };
}

export function disposeBatch(batch: TrainBatch): void {
  tf.dispose([batch.images, batch.tokens, batch.attention]);
}
