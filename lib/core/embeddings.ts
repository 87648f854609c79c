/**
 * Embeddings: patches (patchify + linear, MAE order), tokens (gather), learned and fixed 2-D
 * sin-cos positions, modality-type embeddings, CLS tokens.
 */
import * as tf from '@tensorflow/tfjs';
import { Linear } from './layers';
import { ParamStore } from './params';
import { patchify } from './patchify';

/** images [B, H, W, C] -> patch embeddings [B, N, D] with N = (H/p)·(W/p). */
export class PatchEmbedding {
  readonly proj: Linear;

  constructor(
    store: ParamStore,
    name: string,
    readonly patch: number,
    readonly channels: number,
    readonly dim: number,
  ) {
    this.proj = new Linear(store, `${name}.proj`, patch * patch * channels, dim);
  }

  /** images [B, H, W, C] -> [B, N, D] */
  apply(images: tf.Tensor4D): tf.Tensor3D {
    return this.proj.apply(patchify(images, this.patch)) as tf.Tensor3D;
  }
}

/** ids int32 [B, T] -> [B, T, D] via tf.gather (mvlm's wasm fix gives gather a gradient). */
export class TokenEmbedding {
  readonly table: tf.Variable;

  constructor(store: ParamStore, name: string, readonly vocabSize: number, readonly dim: number) {
    this.table = store.get(`${name}.table`, [vocabSize, dim], { kind: 'truncatedNormal', std: 0.02 }, { decay: false });
  }

  /** ids int32 [B, T] -> [B, T, D] */
  apply(ids: tf.Tensor2D): tf.Tensor3D {
    if (ids.dtype !== 'int32') throw new Error(`token ids must be int32, got ${ids.dtype} [${ids.shape}]`);
    const [B, T] = ids.shape;
    // [B, T] -> [B·T] -> [B·T, D] -> [B, T, D]
    return tf.gather(this.table, ids.reshape([B * T])).reshape([B, T, this.dim]);
  }
}

/** Learned positions [1, L, D]; `apply` adds the first T of them to x [B, T, D]. */
export class LearnedPositions {
  readonly table: tf.Variable;

  constructor(store: ParamStore, name: string, readonly maxLen: number, readonly dim: number) {
    this.table = store.get(`${name}.pos`, [1, maxLen, dim], { kind: 'truncatedNormal', std: 0.02 }, { decay: false });
  }

  /** x [B, T, D] -> x + pos[:, :T] */
  apply(x: tf.Tensor3D, offset = 0): tf.Tensor3D {
    const T = x.shape[1];
    if (offset + T > this.maxLen) throw new Error(`sequence of ${T} (+${offset}) exceeds ${this.maxLen} positions`);
    return x.add(this.table.slice([0, offset, 0], [1, T, this.dim]));
  }
}

/**
 * MAE's fixed 2-D sin-cos table for a gh × gw grid: [gh·gw, D]; the first D/2 channels encode the
 * column, the last D/2 the row (as MAE's get_2d_sincos_pos_embed with meshgrid(w, h)).
 */
export function sincos2d(gh: number, gw: number, dim: number): Float32Array {
  if (dim % 4 !== 0) throw new Error(`sincos2d: dim must be divisible by 4, got ${dim}`);
  const half = dim / 2;
  const quarter = dim / 4;
  const out = new Float32Array(gh * gw * dim);
  for (let i = 0; i < gh; i++) {
    for (let j = 0; j < gw; j++) {
      const row = out.subarray((i * gw + j) * dim, (i * gw + j + 1) * dim);
      for (let k = 0; k < quarter; k++) {
        const omega = 1 / Math.pow(10000, k / quarter);
        row[k] = Math.sin(j * omega);
        row[quarter + k] = Math.cos(j * omega);
        row[half + k] = Math.sin(i * omega);
        row[half + quarter + k] = Math.cos(i * omega);
      }
    }
  }
  return out;
}

/** Fixed 2-D sin-cos positions as a non-trainable parameter [1, N, D] (saved with checkpoints). */
export class FixedPositions2d {
  readonly table: tf.Variable;

  constructor(store: ParamStore, name: string, gh: number, gw: number, readonly dim: number) {
    const values = tf.tensor3d(sincos2d(gh, gw, dim), [1, gh * gw, dim]);
    this.table = store.get(`${name}.pos`, [1, gh * gw, dim], { kind: 'tensor', value: values }, { trainable: false, decay: false });
    values.dispose();
  }

  /** x [B, N, D] -> x + pos */
  apply(x: tf.Tensor3D): tf.Tensor3D {
    return x.add(this.table);
  }
}

/** One learned vector per modality (image, text, ...): [numTypes, D]. */
export class TypeEmbedding {
  readonly table: tf.Variable;

  constructor(store: ParamStore, name: string, readonly numTypes: number, readonly dim: number) {
    this.table = store.get(`${name}.types`, [numTypes, dim], { kind: 'truncatedNormal', std: 0.02 }, { decay: false });
  }

  /** x [B, T, D] -> x + type[t] */
  apply(x: tf.Tensor3D, typeId: number): tf.Tensor3D {
    return x.add(this.table.slice([typeId, 0], [1, this.dim]));
  }
}

/**
 * token [1, 1, D] repeated to [B, n, D] by a broadcast add. Not tf.tile: tile's gradient is one
 * slice + add per repeat (B·n tiny kernels, ~8 % of a tiny training step on wasm); a broadcast
 * add's gradient is one sum over the repeated axes.
 */
export function repeatToken(token: tf.Tensor, B: number, n: number): tf.Tensor3D {
  const D = token.shape[token.shape.length - 1];
  return tf.zeros([B, n, D]).add(token.reshape([1, 1, D]));
}

/** A learned CLS token [1, 1, D] prepended to a sequence. */
export class ClsToken {
  readonly token: tf.Variable;

  constructor(store: ParamStore, name: string, readonly dim: number) {
    this.token = store.get(`${name}.cls`, [1, 1, dim], { kind: 'truncatedNormal', std: 0.02 }, { decay: false });
  }

  /** x [B, T, D] -> [B, 1+T, D] */
  prepend(x: tf.Tensor3D): tf.Tensor3D {
    const B = x.shape[0];
    return tf.concat([repeatToken(this.token, B, 1), x], 1) as tf.Tensor3D;
  }
}
