/** Pre-LayerNorm transformer block: self-attention (+ optional cross-attention) + GELU MLP. */
import * as tf from '@tensorflow/tfjs';
import { MultiHeadAttention, attentionBias } from './attention';
import { dropout, ForwardContext, LayerNorm, Mlp } from './layers';
import { ParamStore } from './params';

export interface BlockConfig {
  dim: number;
  heads: number;
  /** MLP hidden width = mlpRatio · dim (default 4). */
  mlpRatio?: number;
  dropout?: number;
  attnDropout?: number;
  /** Add a cross-attention sub-layer reading another sequence (MaskVLM cross-modality encoders). */
  cross?: boolean;
  /** Width of the sequence cross-attention reads (defaults to dim). */
  contextDim?: number;
  layerNormEps?: number;
}

export interface BlockInputs {
  /** Self-attention key mask [B, T] (1 = real token). */
  keyMask?: tf.Tensor2D;
  causal?: boolean;
  /** Cross-attention source [B, S, Dc] and its mask [B, S]. */
  context?: tf.Tensor3D;
  contextMask?: tf.Tensor2D;
  /** Logit biases from `withBiases`: the encoder computes them once for all of its blocks. */
  biases?: { self: tf.Tensor | null; cross: tf.Tensor | null };
}

/** `inputs` with the self- and cross-attention biases of queries x [B, T, D] computed. */
export function withBiases(x: tf.Tensor3D, inputs: BlockInputs): BlockInputs {
  if (inputs.biases) return inputs;
  const [B, T] = x.shape;
  const self = attentionBias(B, T, T, { keyMask: inputs.keyMask, causal: inputs.causal });
  const cross = inputs.context ? attentionBias(B, T, inputs.context.shape[1], { keyMask: inputs.contextMask }) : null;
  return { ...inputs, biases: { self, cross } };
}

export class TransformerBlock {
  readonly ln1: LayerNorm;
  readonly attn: MultiHeadAttention;
  readonly lnCross: LayerNorm | null;
  readonly crossAttn: MultiHeadAttention | null;
  readonly ln2: LayerNorm;
  readonly mlp: Mlp;

  constructor(store: ParamStore, readonly name: string, readonly cfg: BlockConfig) {
    const eps = cfg.layerNormEps ?? 1e-6;
    const attnDropout = cfg.attnDropout ?? 0;
    this.ln1 = new LayerNorm(store, `${name}.ln1`, cfg.dim, eps);
    this.attn = new MultiHeadAttention(store, `${name}.attn`, { dim: cfg.dim, heads: cfg.heads, attnDropout });
    if (cfg.cross) {
      this.lnCross = new LayerNorm(store, `${name}.lnCross`, cfg.dim, eps);
      this.crossAttn = new MultiHeadAttention(store, `${name}.crossAttn`, {
        dim: cfg.dim,
        heads: cfg.heads,
        cross: true,
        contextDim: cfg.contextDim ?? cfg.dim,
        attnDropout,
      });
    } else {
      this.lnCross = this.crossAttn = null;
    }
    this.ln2 = new LayerNorm(store, `${name}.ln2`, cfg.dim, eps);
    this.mlp = new Mlp(store, `${name}.mlp`, cfg.dim, Math.round((cfg.mlpRatio ?? 4) * cfg.dim), cfg.dropout ?? 0);
  }

  /** x [B, T, D] -> [B, T, D] */
  apply(x: tf.Tensor3D, inputs: BlockInputs, ctx: ForwardContext): tf.Tensor3D {
    const p = this.cfg.dropout ?? 0;
    const { biases, context } = withBiases(x, inputs);
    let h = x.add(dropout(this.attn.apply(this.ln1.apply(x) as tf.Tensor3D, { bias: biases!.self }, ctx), p, ctx)) as tf.Tensor3D;
    if (this.crossAttn && this.lnCross) {
      if (!context) throw new Error(`${this.name}: a cross-attention block needs inputs.context`);
      const cross = { context, bias: biases!.cross };
      h = h.add(dropout(this.crossAttn.apply(this.lnCross.apply(h) as tf.Tensor3D, cross, ctx), p, ctx)) as tf.Tensor3D;
    }
    return h.add(dropout(this.mlp.apply(this.ln2.apply(h), ctx), p, ctx)) as tf.Tensor3D;
  }
}
