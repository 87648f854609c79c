/**
 * The learned contrastive temperature: stored as log-scale (as open_clip), passed to losses
 * exponentiated, clamped to [0, ln 100] after every optimizer step. SigLIP adds a learned bias.
 */
import * as tf from '@tensorflow/tfjs';
import { ParamStore } from '../core';

export const MAX_LOG_SCALE = Math.log(100);

export class LogitScale {
  readonly logScale: tf.Variable;
  readonly bias: tf.Variable | null;

  constructor(store: ParamStore, name: string, initScale: number, initBias: number | null) {
    this.logScale = store.get(`${name}.logScale`, [], { kind: 'constant', value: Math.log(initScale) }, { decay: false });
    this.bias = initBias === null ? null : store.get(`${name}.bias`, [], { kind: 'constant', value: initBias }, { decay: false });
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
