/**
 * The learned contrastive temperature: stored as log-scale (as open_clip), passed to losses
 * exponentiated, clamped to [0, ln 100] after every optimizer step. SigLIP adds a learned bias.
 */
import * as tf from '@tensorflow/tfjs';
import { ParamStore } from '../core';

export const MAX_LOG_SCALE = Math.log(100);

/** SigLIP's reference bias init, made for its batches of 16k–32k. */
export const REFERENCE_LOGIT_BIAS = -10;

/**
 * The bias to start SigLIP at: a number as given, or 'auto' = the prior −log(B − 1) (the sigmoid
 * of every pair then averages the one positive in B candidates), never below SigLIP's −10. So
 * "small" batches are those under e¹⁰ + 1 ≈ 22 000, where −10 would start far below the prior:
 * at B = 32 the pairs then sit at σ(−10 + t·cos) and the loss collapses to constant similarities
 * before the bias can climb. Without a batch size, 'auto' is the reference −10.
 */
export function initialLogitBias(init: number | 'auto', batchSize?: number): number {
  if (init !== 'auto') return init;
  if (batchSize === undefined) return REFERENCE_LOGIT_BIAS;
  if (!(Number.isInteger(batchSize) && batchSize >= 2)) throw new Error(`initialLogitBias: batchSize must be an integer ≥ 2, got ${batchSize}`);
  return Math.max(REFERENCE_LOGIT_BIAS, -Math.log(batchSize - 1));
}

export class LogitScale {
  readonly logScale: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(store: ParamStore, name: string, initScale: number, initBias: number | 'auto' | null) {
    this.logScale = store.get(`${name}.logScale`, [], { kind: 'constant', value: Math.log(initScale) }, { decay: false, lrGroup: 'logitScale' });
    this.bias = initBias === null ? null : store.get(`${name}.bias`, [], { kind: 'constant', value: initialLogitBias(initBias) }, { decay: false, lrGroup: 'logitBias' });
  }

  /** exp(logScale), a scalar that carries gradient to the log-scale variable. */
  scale(): tf.Scalar {
    return tf.exp(this.logScale) as tf.Scalar;
  }

  /** Clamp the log-scale into [0, ln 100] (call after every optimizer step). */
  clamp(): void {
    tf.tidy(() => this.logScale.assign(tf.clipByValue(this.logScale, 0, MAX_LOG_SCALE)));
  }
}
