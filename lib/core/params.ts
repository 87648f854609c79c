/**
 * The parameter store: every trainable tensor of a model under a stable hierarchical name
 * (`image.blocks.0.attn.qkv.w`). Checkpoints save exactly this map; the optimizer reads
 * `decay` to skip weight decay on biases, norms, embeddings and the logit scale/bias.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';

export type Init =
  | { kind: 'truncatedNormal'; std?: number }
  | { kind: 'xavierUniform' }
  | { kind: 'zeros' }
  | { kind: 'ones' }
  | { kind: 'constant'; value: number }
  | { kind: 'tensor'; value: tf.Tensor };

export interface ParamOptions {
  /** Apply decoupled weight decay (default: true for rank >= 2 tensors, false otherwise). */
  decay?: boolean;
  /** Trainable (false for frozen towers; default true). */
  trainable?: boolean;
  /** Optimizer param group (e.g. 'logitScale'): the config can give it its own lr multiplier. */
  lrGroup?: string;
}

export interface ParamInfo {
  name: string;
  variable: tf.Variable;
  decay: boolean;
  trainable: boolean;
  lrGroup?: string;
}

export class ParamStore {
  private readonly params = new Map<string, ParamInfo>();

  constructor(private readonly rng: Rng) {}

  /** Create `name` once; asking again for the same name and shape returns the same variable. */
  get(name: string, shape: number[], init: Init, opts: ParamOptions = {}): tf.Variable {
    const existing = this.params.get(name);
    if (existing) {
      const have = existing.variable.shape;
      if (have.length !== shape.length || have.some((d, i) => d !== shape[i])) {
        throw new Error(`param ${name}: requested shape [${shape}] but it exists as [${have}]`);
      }
      return existing.variable;
    }
    const value = tf.tidy(() => initialValue(shape, init, this.rng.fork(name)));
    const trainable = opts.trainable ?? true;
    const variable = tf.variable(value, trainable, `${name}_${uniqueSuffix()}`);
    value.dispose();
    this.params.set(name, { name, variable, decay: opts.decay ?? shape.length >= 2, trainable, lrGroup: opts.lrGroup });
    return variable;
  }

  has(name: string): boolean {
    return this.params.has(name);
  }

  /** The variable stored under `name`; throws if absent. */
  variable(name: string): tf.Variable {
    const p = this.params.get(name);
    if (!p) throw new Error(`param ${name} does not exist`);
    return p.variable;
  }

  /** Every parameter, sorted by name (a stable order for checkpoints and optimizers). */
  list(): ParamInfo[] {
    return [...this.params.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** Parameters that the optimizer updates. */
  trainable(): ParamInfo[] {
    return this.list().filter((p) => p.trainable);
  }

  /** Freeze (or unfreeze) every parameter whose name starts with `prefix`. Returns how many. */
  setTrainable(prefix: string, trainable: boolean): number {
    let n = 0;
    for (const p of this.params.values()) {
      if (p.name.startsWith(prefix)) {
        p.trainable = trainable;
        p.variable.trainable = trainable;
        n++;
      }
    }
    return n;
  }

  /** Total number of scalar parameters. */
  count(): number {
    return this.list().reduce((n, p) => n + p.variable.size, 0);
  }

  /** Overwrite values by name (checkpoint restore); every stored name must be present. */
  assign(values: Map<string, tf.Tensor>): void {
    for (const p of this.params.values()) {
      const v = values.get(p.name);
      if (!v) throw new Error(`checkpoint has no tensor for param ${p.name}`);
      if (v.shape.join(',') !== p.variable.shape.join(',')) {
        throw new Error(`param ${p.name}: checkpoint shape [${v.shape}] != model shape [${p.variable.shape}]`);
      }
      p.variable.assign(v);
    }
  }

  dispose(): void {
    for (const p of this.params.values()) p.variable.dispose();
    this.params.clear();
  }
}

let counter = 0;
function uniqueSuffix(): number {
  return counter++;
}

function initialValue(shape: number[], init: Init, rng: Rng): tf.Tensor {
  switch (init.kind) {
    case 'truncatedNormal':
      return tf.truncatedNormal(shape, 0, init.std ?? 0.02, 'float32', rng.tfSeed());
    case 'xavierUniform': {
      // fan over the last two axes: [.., fanIn, fanOut]
      const fanIn = shape.length >= 2 ? shape[shape.length - 2] : shape[0];
      const fanOut = shape[shape.length - 1];
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      return tf.randomUniform(shape, -limit, limit, 'float32', rng.tfSeed());
    }
    case 'zeros':
      return tf.zeros(shape);
    case 'ones':
      return tf.ones(shape);
    case 'constant':
      return tf.fill(shape, init.value);
    case 'tensor':
      if (init.value.shape.join(',') !== shape.join(',')) {
        throw new Error(`init tensor shape [${init.value.shape}] != param shape [${shape}]`);
      }
      return init.value.clone();
  }
}
