/**
 * Multi-head attention, self and cross, written with 4-D transposes only
 * (the wasm backend's 5-D transposes are slow).
 */
import * as tf from '@tensorflow/tfjs';
import { ParamStore } from './params';
import { splitHeads } from './split_heads';
import { dropout, ForwardContext, Linear } from './layers';

export interface AttentionConfig {
  /** Query width D. */
  dim: number;
  heads: number;
  /** Key/value source width for cross-attention (defaults to `dim`). */
  contextDim?: number;
  /** Cross-attention: queries from x, keys/values from `context`. */
  cross?: boolean;
  attnDropout?: number;
}

export interface AttentionInputs {
  /** Key/value sequence [B, S, Dc]; required for cross-attention, ignored for self-attention. */
  context?: tf.Tensor3D;
  /** [B, S]: 1 = a real key, 0 = padding never attended to (the tokenizer's attention mask). */
  keyMask?: tf.Tensor2D;
  /** Position t attends to keys 0..t only (self-attention on text). */
  causal?: boolean;
  /** The additive logit bias from `attentionBias`, when the caller computed it once for many layers. */
  bias?: tf.Tensor | null;
}

/** Large negative logit for disallowed keys (finite, so a fully masked row stays NaN-free). */
const NEG = -1e9;

export class MultiHeadAttention {
  readonly headDim: number;
  private readonly qkv: Linear | null;
  private readonly q: Linear | null;
  private readonly kv: Linear | null;
  readonly out: Linear;

  constructor(store: ParamStore, readonly name: string, readonly cfg: AttentionConfig) {
    if (cfg.dim % cfg.heads !== 0) throw new Error(`${name}: dim ${cfg.dim} is not divisible by heads ${cfg.heads}`);
    this.headDim = cfg.dim / cfg.heads;
    if (cfg.cross) {
      this.qkv = null;
      this.q = new Linear(store, `${name}.q`, cfg.dim, cfg.dim);
      this.kv = new Linear(store, `${name}.kv`, cfg.contextDim ?? cfg.dim, 2 * cfg.dim);
    } else {
      this.qkv = new Linear(store, `${name}.qkv`, cfg.dim, 3 * cfg.dim);
      this.q = this.kv = null;
    }
    this.out = new Linear(store, `${name}.out`, cfg.dim, cfg.dim);
  }

  /** x [B, T, D] -> [B, T, D] */
  apply(x: tf.Tensor3D, inputs: AttentionInputs, ctx: ForwardContext): tf.Tensor3D {
    const [B, T, D] = x.shape;
    if (D !== this.cfg.dim) throw new Error(`${this.name}: x is [${x.shape}], expected last axis ${this.cfg.dim}`);
    const H = this.cfg.heads;
    const scale = 1 / Math.sqrt(this.headDim);
    // queries [B, H, T, dh] (scaled), keys straight to [B, H, dh, S] so the score product needs no
    // transpose flag, values [B, H, S, dh]
    const query = { keys: false, scale };
    const key = { keys: true, scale: 1 };
    const value = { keys: false, scale: 1 };
    let qh: tf.Tensor4D, kh: tf.Tensor4D, vh: tf.Tensor4D;
    if (this.qkv) {
      [qh, kh, vh] = splitHeads(this.qkv.apply(x) as tf.Tensor3D, H, [query, key, value]);
    } else {
      const context = inputs.context;
      if (!context) throw new Error(`${this.name}: cross-attention needs inputs.context [B, S, D]`);
      if (context.shape[0] !== B) throw new Error(`${this.name}: context batch ${context.shape[0]} != query batch ${B}`);
      [qh] = splitHeads(this.q!.apply(x) as tf.Tensor3D, H, [query]);
      [kh, vh] = splitHeads(this.kv!.apply(context) as tf.Tensor3D, H, [key, value]);
    }
    const S = kh.shape[3];
    let scores = tf.matMul(qh, kh); // [B, H, T, S]
    const bias = inputs.bias !== undefined ? inputs.bias : attentionBias(B, T, S, inputs);
    if (bias) scores = scores.add(bias);
    const weights = dropout(tf.softmax(scores, -1), this.cfg.attnDropout ?? 0, ctx);
    // [B, H, T, dh] -> [B, T, H, dh] -> [B, T, D]
    const merged = tf.matMul(weights, vh).transpose([0, 2, 1, 3]).reshape([B, T, D]);
    return this.out.apply(merged) as tf.Tensor3D;
  }
}

/** Additive logit bias [B|1, 1, T|1, S] from the key mask and the causal mask, or null. */
export function attentionBias(B: number, T: number, S: number, inputs: AttentionInputs): tf.Tensor | null {
  let bias: tf.Tensor | null = null;
  if (inputs.keyMask) {
    const m = inputs.keyMask;
    if (m.shape[0] !== B || m.shape[1] !== S) {
      throw new Error(`attention keyMask is [${m.shape}] but keys are [${B}, ${S}]`);
    }
    // [B, S] -> [B, 1, 1, S]; 1 -> 0, 0 -> NEG
    bias = tf.sub(1, m.toFloat()).mul(NEG).reshape([B, 1, 1, S]);
  }
  if (inputs.causal) {
    if (T !== S) throw new Error(`causal attention needs T == S, got T=${T}, S=${S}`);
    const lower = tf.linalg.bandPart(tf.ones([T, S]), -1, 0); // 1 on and below the diagonal
    const causal = tf.sub(1, lower).mul(NEG).reshape([1, 1, T, S]);
    bias = bias ? bias.add(causal) : causal;
  }
  return bias;
}
