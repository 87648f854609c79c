/** Small models and batches shared by the objective tests (every objective at toy sizes). */
import * as tf from '@tensorflow/tfjs';
import { ModelConfigInput, TextSpec } from '../../lib/models';
import { ObjectiveSpec, TrainBatch, objectiveModules } from '../../lib/objectives';
import { Rng } from '../../lib/random';

export const TEXT: TextSpec = { vocabSize: 40, padId: 0, clsId: 2, sepId: 3, maskId: 4, specialIds: [0, 1, 2, 3, 4] };
export const B = 4;
export const T = 8;
export const tiny: ModelConfigInput = { imageSize: 16, patchSize: 4, width: 32, depth: 1, heads: 2, embedDim: 16, text: { maxLen: T } };

/** The registry's modules at this test's small sizes (a decoder as narrow as the towers, 8 codes for 64 patches). */
export function modelFor(spec: ObjectiveSpec): ModelConfigInput {
  const modules = objectiveModules([spec]);
  if (modules.pixelDecoder) modules.pixelDecoder = { width: 16, depth: 1, heads: 2 };
  if (modules.mimTokens) modules.mimTokens = { codebookSize: 8 };
  return { ...tiny, ...modules };
}

/** B random captions of 4..T tokens ([CLS] … [SEP] [PAD]…) and B random images, all from `seed`. */
export function makeBatch(seed: number): TrainBatch {
  const rng = new Rng(seed);
  const rows: number[][] = [];
  for (let b = 0; b < B; b++) {
    const len = 4 + rng.int(T - 4);
    const row = [TEXT.clsId];
    for (let t = 1; t < len - 1; t++) row.push(5 + rng.int(TEXT.vocabSize - 5));
    row.push(TEXT.sepId);
    while (row.length < T) row.push(TEXT.padId);
    rows.push(row);
  }
  return {
    images: tf.randomUniform([B, 16, 16, 3], 0, 1, 'float32', seed) as tf.Tensor4D,
    tokens: tf.tensor2d(rows, [B, T], 'int32'),
    attention: tf.tensor2d(rows.map((r) => r.map((id) => (id === TEXT.padId ? 0 : 1))), [B, T], 'float32'),
    tokenRows: rows,
  };
}

export function disposeBatch(batch: TrainBatch): void {
  tf.dispose([batch.images, batch.tokens, batch.attention]);
}
