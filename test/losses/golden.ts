/**
 * Golden comparison against test/fixtures/losses-public.json (float64 numbers from the reference
 * code itself; see the file's `provenance`). Shared by the mocha test and scripts/golden_report.ts.
 * Inputs are cast to float32; the loss and every gradient the case carries are compared.
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { clipLoss, maeLoss, maskedTokenLoss, patchify, siglipLoss } from '../../lib/losses';
import { maxRelError } from '../helpers';

/**
 * Absolute floor of the relative error, per compared quantity: |a−e| / max(|e|, FLOOR_FRACTION·max|e|).
 * Why: the inputs are rounded to float32 (relative 6e-8), and a gradient entry is a sum of terms as
 * large as s·|x| (s up to 100), so float32 leaves an absolute noise of ~2e-7…6e-7 × the largest
 * entry of the same array (measured on wasm: CLIP at s=100, B=8 and 32). An entry that is small by
 * cancellation (1e-3 next to 10) cannot be matched to 1e-4 of itself by any float32 code. Entries
 * under 5 % of the array's largest must match to 5e-6 of that largest (~10× the noise, far below
 * any real bug), all others to 1e-4 relative. For a scalar (loss, gradScale, gradBias) the floor is
 * the value itself: a pure relative test (an all-zero quantity keeps maxRelError's 1e-6 floor).
 */
export const FLOOR_FRACTION = 0.05;

/** maxRelError with the per-array floor above. */
export function relError(actual: ArrayLike<number>, expected: number[]): number {
  const largest = Math.max(...expected.map(Math.abs));
  return maxRelError(actual, expected, Math.max(FLOOR_FRACTION * largest, 1e-6));
}

type Json = Record<string, unknown>;
export interface CaseResult {
  kind: string;
  index: number;
  /** Max relative error per compared quantity: loss, gradImage, ..., patchify. */
  errors: Record<string, number>;
}

export function fixturePath(): string {
  const dir = process.env.MVLM_FIXTURES ?? path.resolve(__dirname, '../fixtures');
  return path.join(dir, 'losses-public.json');
}

export function loadFixtures(): { provenance: string; cases: Json[] } {
  const file = fixturePath();
  if (!fs.existsSync(file)) {
    throw new Error(`golden fixtures not found: looked for ${file} (set MVLM_FIXTURES to the directory holding losses-public.json)`);
  }
  return JSON.parse(fs.readFileSync(file, 'utf8'));
}

const t32 = (x: unknown): tf.Tensor => tf.tensor(x as number[], undefined, 'float32');
const flat = (x: unknown): number[] => (Array.isArray(x) ? (x.flat(Infinity) as number[]) : [x as number]);

/** For each kind: the differentiated inputs (named as the fixture's gradients) and the loss of them. */
function setup(c: Json): { inputs: Record<string, tf.Tensor>; loss: (...xs: tf.Tensor[]) => tf.Scalar } {
  switch (c.kind) {
    case 'clip':
    case 'maskedRowsContrastive': {
      const rowMask = c.rowMask as number[] | undefined;
      return {
        inputs: { gradImage: t32(c.imageEmb), gradText: t32(c.textEmb), gradScale: tf.scalar(c.logitScale as number) },
        loss: (I, T, s) =>
          clipLoss({ imageEmb: I as tf.Tensor2D, textEmb: T as tf.Tensor2D, logitScale: s as tf.Scalar, rowMask }),
      };
    }
    case 'siglip':
      return {
        inputs: {
          gradImage: t32(c.imageEmb),
          gradText: t32(c.textEmb),
          gradScale: tf.scalar(c.logitScale as number),
          gradBias: tf.scalar(c.logitBias as number),
        },
        loss: (I, T, s, b) =>
          siglipLoss({ imageEmb: I as tf.Tensor2D, textEmb: T as tf.Tensor2D, logitScale: s as tf.Scalar, logitBias: b as tf.Scalar }),
      };
    case 'mae': {
      const target = t32(c.targetPatches) as tf.Tensor3D;
      const mask = t32(c.mask) as tf.Tensor2D;
      return {
        inputs: { gradPred: t32(c.pred) },
        loss: (pred) => maeLoss({ pred: pred as tf.Tensor3D, target, mask, normPix: c.normPix as boolean }),
      };
    }
    case 'maskedTokenCE': {
      const labels = tf.tensor(c.labels as number[][], undefined, 'int32') as tf.Tensor2D;
      return { inputs: { gradLogits: t32(c.logits) }, loss: (logits) => maskedTokenLoss({ logits: logits as tf.Tensor3D, labels }) };
    }
    default:
      throw new Error(`golden: unknown case kind ${String(c.kind)}`);
  }
}

/** Our patchify of the NCHW images (transposed to NHWC) against the reference's patches. */
function patchifyError(c: Json): number {
  return tf.tidy(() => {
    const nhwc = tf.transpose(t32(c.imagesNCHW), [0, 2, 3, 1]) as tf.Tensor4D;
    return relError(patchify(nhwc, c.patch as number).dataSync(), flat(c.targetPatches));
  });
}

/** Run one case: loss and gradients over every named input, compared where the fixture has them. */
export function runCase(c: Json, index: number): CaseResult {
  const errors: Record<string, number> = {};
  tf.tidy(() => {
    const { inputs, loss } = setup(c);
    const names = Object.keys(inputs);
    const { value, grads } = tf.valueAndGrads(loss)(names.map((n) => inputs[n]));
    errors.loss = relError(value.dataSync(), [c.loss as number]);
    names.forEach((name, i) => {
      if (c[name] !== undefined) errors[name] = relError(grads[i].dataSync(), flat(c[name]));
    });
  });
  if (c.kind === 'mae') errors.patchify = patchifyError(c);
  return { kind: c.kind as string, index, errors };
}

/** Worst error per kind over all its cases and quantities. */
export function worstByKind(results: CaseResult[]): Record<string, number> {
  const out: Record<string, number> = {};
  for (const r of results) out[r.kind] = Math.max(out[r.kind] ?? 0, ...Object.values(r.errors));
  return out;
}
