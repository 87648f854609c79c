/**
 * mvlm's small causal language model: token + learned position embeddings and the caption
 * decoder's causal blocks without cross-attention. Frozen / MiniGPT-4 / BLIP-2 stage 2 put K
 * prefix embeddings (from the image) in front of the text; the prefix has no position of its own,
 * so the text keeps the positions 0..T-1 the LM was trained on.
 */
import * as tf from '@tensorflow/tfjs';
import { ForwardContext, LearnedPositions, ParamStore, TokenEmbedding } from '../core';
import { CaptionDecoder } from '../heads';

export interface CausalLmConfig {
  vocabSize: number;
  width: number;
  depth: number;
  heads: number;
  maxLen: number;
  mlpRatio?: number;
}

/** Param-name prefix of the LM: a checkpoint's `lm.*` tensors are the LM (what a larger LM must be named). */
export const LM_PREFIX = 'lm.';

export class CausalLm {
  readonly tokens: TokenEmbedding;
  readonly positions: LearnedPositions;
  readonly decoder: CaptionDecoder;

  constructor(store: ParamStore, readonly cfg: CausalLmConfig) {
    this.tokens = new TokenEmbedding(store, 'lm.tok', cfg.vocabSize, cfg.width);
    this.positions = new LearnedPositions(store, 'lm.pos', cfg.maxLen, cfg.width);
    this.decoder = new CaptionDecoder(store, 'lm.dec', { width: cfg.width, depth: cfg.depth, heads: cfg.heads, vocabSize: cfg.vocabSize, mlpRatio: cfg.mlpRatio });
  }

  get width(): number {
    return this.cfg.width;
  }

  /**
   * Next-token logits of the text [B, T, V] (position t predicts token t+1), given ids int32 [B, T],
   * attention [B, T] and optional prefix embeddings [B, K, D] every text position attends to.
   */
  apply(prefix: tf.Tensor3D | null, ids: tf.Tensor2D, attention: tf.Tensor2D, ctx: ForwardContext): tf.Tensor3D {
    const [B, T] = ids.shape;
    const text = this.positions.apply(this.tokens.apply(ids)); // [B, T, D]
    if (!prefix) return this.decoder.apply(text, null, attention, ctx);
    const [Bp, K, D] = prefix.shape;
    if (Bp !== B || D !== this.cfg.width) throw new Error(`lm: prefix is [${prefix.shape}], expected [${B}, K, ${this.cfg.width}]`);
    const keyMask = tf.concat([tf.ones([B, K]), attention.toFloat()], 1) as tf.Tensor2D; // [B, K+T]
    const logits = this.decoder.apply(tf.concat([prefix, text], 1) as tf.Tensor3D, null, keyMask, ctx); // [B, K+T, V]
    return logits.slice([0, K, 0], [B, T, this.cfg.vocabSize]);
  }
}
