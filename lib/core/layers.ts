/** Small building blocks of the core: linear, layer norm, GELU MLP, dropout. */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';
import { Init, ParamStore } from './params';
import { MVLM_KERNELS, hasKernel } from '../backend/switches';
import { LINEAR_KERNEL } from '../backend/wasm/kernel_names';
import { gelu, layerNorm } from './fused';

export { gelu };

/** What a forward pass needs to know: train or eval, and where dropout noise comes from. */
export interface ForwardContext {
  training: boolean;
  rng?: Rng;
}

export const EVAL: ForwardContext = { training: false };

/** Apply `fn` to x flattened to 2-D over its last axis: [..., I] -> [M, I] -> [M, O] -> [..., O]. */
function onLastAxis(x: tf.Tensor, outDim: number, fn: (x2: tf.Tensor2D) => tf.Tensor2D): tf.Tensor {
  const lead = x.shape.slice(0, -1);
  const inDim = x.shape[x.shape.length - 1];
  const y = fn(x.reshape([-1, inDim]) as tf.Tensor2D);
  return y.reshape([...lead, outDim]);
}

export class Linear {
  readonly w: tf.Variable;
  readonly b: tf.Variable | null;

  constructor(
    store: ParamStore,
    readonly name: string,
    readonly inDim: number,
    readonly outDim: number,
    opts: { bias?: boolean; init?: Init; trainable?: boolean } = {},
  ) {
    const trainable = opts.trainable;
    this.w = store.get(`${name}.w`, [inDim, outDim], opts.init ?? { kind: 'xavierUniform' }, { trainable });
    this.b = opts.bias === false ? null : store.get(`${name}.b`, [outDim], { kind: 'zeros' }, { trainable });
  }

  /** x [..., inDim] -> [..., outDim] */
  apply(x: tf.Tensor): tf.Tensor {
    const last = x.shape[x.shape.length - 1];
    if (last !== this.inDim) {
      throw new Error(`${this.name}: input last axis is ${last} (shape [${x.shape}]) but the layer expects ${this.inDim}`);
    }
    if (this.b && x.dtype === 'float32' && hasKernel(LINEAR_KERNEL, MVLM_KERNELS.linear)) {
      return tf.engine().runKernel(LINEAR_KERNEL, { x, w: this.w, b: this.b }) as tf.Tensor;
    }
    return onLastAxis(x, this.outDim, (x2) => {
      const y = tf.matMul(x2, this.w as tf.Tensor2D);
      return (this.b ? y.add(this.b) : y) as tf.Tensor2D;
    });
  }
}

export class LayerNorm {
  readonly gamma: tf.Variable;
  readonly beta: tf.Variable;

  constructor(store: ParamStore, readonly name: string, readonly dim: number, readonly eps = 1e-6) {
    this.gamma = store.get(`${name}.gamma`, [dim], { kind: 'ones' });
    this.beta = store.get(`${name}.beta`, [dim], { kind: 'zeros' });
  }

  /** x [..., D] -> [..., D], normalised over the last axis. */
  apply(x: tf.Tensor): tf.Tensor {
    return layerNorm(x, this.gamma, this.beta, this.eps);
  }
}

/** Inverted dropout, seeded from the context's rng; identity in eval or when rate is 0. */
export function dropout(x: tf.Tensor, rate: number, ctx: ForwardContext): tf.Tensor {
  if (!ctx.training || rate <= 0) return x;
  if (!ctx.rng) throw new Error('dropout in training needs ctx.rng (seeded randomness)');
  return tf.dropout(x, rate, undefined, ctx.rng.tfSeed());
}

/** Two-layer GELU MLP: D -> hidden -> D. */
export class Mlp {
  readonly fc1: Linear;
  readonly fc2: Linear;

  constructor(store: ParamStore, name: string, dim: number, hidden: number, readonly dropoutRate = 0) {
    this.fc1 = new Linear(store, `${name}.fc1`, dim, hidden);
    this.fc2 = new Linear(store, `${name}.fc2`, hidden, dim);
  }

  /** x [..., D] -> [..., D] */
  apply(x: tf.Tensor, ctx: ForwardContext): tf.Tensor {
    return this.fc2.apply(dropout(gelu(this.fc1.apply(x)), this.dropoutRate, ctx));
  }
}
