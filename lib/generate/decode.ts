/**
 * MaskGIT's iterative decoding (Chang et al. 2022, `maskgit/libml/parallel_decode.py`): start with
 * every token masked; at each of T steps predict all masked tokens, sample one code per position,
 * keep the most confident samples and re-mask the rest, fewer each step by the cosine schedule.
 * Confidence is the sampled code's log-probability plus Gumbel noise annealed to zero (MaskGIT's
 * `choice_temperature · (1 − (t+1)/T)`). Classifier-free guidance mixes the logits with the
 * empty caption's: cond + g · (cond − uncond). All randomness comes from one seed.
 */
import * as tf from '@tensorflow/tfjs';
import { EVAL } from '../core';
import { decodeMaskCount } from '../masking';
import { VisionLanguageModel } from '../models';
import { codesToImages, emptyCaption, maskgitLogits } from '../objectives';
import { Rng } from '../random';

export interface DecodeOptions {
  /** Decoding steps T (MaskGIT: 8–12). */
  steps?: number;
  /** Classifier-free guidance g: logits cond + g·(cond − uncond); 0 = conditional only. */
  guidance?: number;
  /** Softmax temperature of the code samples. */
  temperature?: number;
  /** Gumbel noise on the confidences at step 1 (annealed to 0); MaskGIT uses 4.5. */
  choiceTemperature?: number;
  /** A seed, or an Rng to draw from (its state advances: successive calls continue one stream). */
  seed: number | Rng;
  /** Called after each step with the grid so far: codes [S·N], unknown [S·N] (1 = still masked); copies are not made. */
  onStep?: (step: number, codes: Int32Array, unknown: Float32Array) => void;
}

export const DECODE_DEFAULTS = { steps: 8, guidance: 3, temperature: 1, choiceTemperature: 4.5 };

/**
 * Guided code logits [S, N, K]: cond + g·(cond − uncond), uncond with the empty caption, from one
 * forward over [cond rows; uncond rows]. grid int32 [S, N], mask [S, N] (1 = masked), ids int32 [S, T], attention [S, T].
 */
export function guidedLogits(
  model: VisionLanguageModel, grid: tf.Tensor2D, mask: tf.Tensor2D, ids: tf.Tensor2D, attention: tf.Tensor2D, guidance: number,
): tf.Tensor3D {
  return tf.tidy(() => {
    if (guidance === 0) return maskgitLogits(model, grid, mask, ids, attention, EVAL);
    const [S, T] = ids.shape;
    const empty = emptyCaption(model.textSpec, T);
    const both = maskgitLogits(
      model,
      tf.concat([grid, grid]) as tf.Tensor2D,
      tf.concat([mask, mask]) as tf.Tensor2D,
      tf.concat([ids, tf.tensor2d([empty.ids], [1, T], 'int32').tile([S, 1])]) as tf.Tensor2D,
      tf.concat([attention.toFloat(), tf.tensor2d([empty.attention], [1, T]).tile([S, 1])]) as tf.Tensor2D,
      EVAL,
    ); // [2S, N, K]
    const [cond, uncond] = tf.split(both, 2, 0) as [tf.Tensor3D, tf.Tensor3D];
    return cond.add(cond.sub(uncond).mul(guidance)) as tf.Tensor3D;
  });
}

/** Code probabilities [S, N, K] of the host grid `codes` [S·N] (masked where `unknown` is 1), guided. */
function codeProbabilities(
  model: VisionLanguageModel, codes: Int32Array, unknown: Float32Array, ids: tf.Tensor2D, attention: tf.Tensor2D, guidance: number, temperature: number,
): tf.Tensor3D {
  return tf.tidy(() => {
    const shape: [number, number] = [ids.shape[0], model.numPatches];
    const logits = guidedLogits(model, tf.tensor2d(codes, shape, 'int32'), tf.tensor2d(unknown, shape), ids, attention, guidance);
    return tf.softmax(logits.div(temperature)) as tf.Tensor3D;
  });
}

/** Index drawn from the categorical distribution p[from .. from+K). */
function sampleCategorical(p: Float32Array, from: number, K: number, rng: Rng): number {
  let u = rng.next();
  for (let k = 0; k < K; k++) {
    u -= p[from + k];
    if (u < 0) return k;
  }
  return K - 1; // rounding: the probabilities summed to slightly below u
}

/** Indices of the `count` lowest confidences (ties: the earlier index first, so the choice is deterministic). */
export function leastConfident(confidence: number[], count: number): number[] {
  return confidence
    .map((c, k) => [c, k])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .slice(0, count)
    .map(([, k]) => k);
}

function gumbel(rng: Rng): number {
  return -Math.log(-Math.log(Math.max(rng.next(), 1e-20)) + 1e-20);
}

/**
 * Token grids for captions ids int32 [S, T], attention [S, T] (one row per sample; repeat a prompt
 * for several samples): codes [S·N] row-major, every position decided.
 */
export async function decodeCodes(model: VisionLanguageModel, ids: tf.Tensor2D, attention: tf.Tensor2D, opts: DecodeOptions): Promise<Int32Array> {
  const { steps, guidance, temperature, choiceTemperature } = { ...DECODE_DEFAULTS, ...opts };
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`decode: steps must be a positive integer, got ${steps}`);
  if (!(temperature > 0)) throw new Error(`decode: temperature must be > 0, got ${temperature}`);
  if (!Number.isFinite(guidance)) throw new Error(`decode: guidance must be a number, got ${guidance}`);
  const S = ids.shape[0];
  const N = model.numPatches;
  const K = model.codebook!.shape[0];
  const rng = opts.seed instanceof Rng ? opts.seed : new Rng(opts.seed);
  const codes = new Int32Array(S * N);
  const unknown = new Float32Array(S * N).fill(1);
  for (let t = 0; t < steps; t++) {
    const probsT = codeProbabilities(model, codes, unknown, ids, attention, guidance, temperature);
    const p = (await probsT.data()) as Float32Array;
    probsT.dispose();
    const noise = choiceTemperature * (1 - (t + 1) / steps);
    for (let s = 0; s < S; s++) {
      const open: { i: number; code: number; confidence: number }[] = [];
      for (let n = 0; n < N; n++) {
        const i = s * N + n;
        if (!unknown[i]) continue;
        const code = sampleCategorical(p, i * K, K, rng);
        open.push({ i, code, confidence: Math.log(Math.max(p[i * K + code], 1e-30)) + noise * gumbel(rng) });
      }
      const remask = new Set(leastConfident(open.map((o) => o.confidence), decodeMaskCount(t, steps, N, open.length)));
      open.forEach(({ i, code }, k) => {
        if (remask.has(k)) return;
        codes[i] = code;
        unknown[i] = 0;
      });
    }
    opts.onStep?.(t, codes, unknown);
  }
  return codes;
}

/** Pictures of decoded grids: images [S, H, W, C] in [0, 1] (each token its centroid patch). */
export async function generateImages(model: VisionLanguageModel, ids: tf.Tensor2D, attention: tf.Tensor2D, opts: DecodeOptions): Promise<tf.Tensor4D> {
  const codes = await decodeCodes(model, ids, attention, opts);
  return tf.tidy(() => codesToImages(model, tf.tensor2d(codes, [ids.shape[0], model.numPatches], 'int32')).clipByValue(0, 1) as tf.Tensor4D);
}
