/** Text tower: token embedding + learned positions + core encoder (bidirectional). */
import * as tf from '@tensorflow/tfjs';
import { ForwardContext, LearnedPositions, ParamStore, TokenEmbedding, TransformerEncoder, maskedMean, tokenAt } from '../core';
import type { Modality } from './image_tower';

export interface TextTowerConfig {
  vocabSize: number;
  width: number;
  maxLen: number;
  /** 'cls': the state at position 0 ([CLS]); 'mean': mean over real tokens. */
  pooling: 'cls' | 'mean';
}

export interface TextEncoding {
  /** [B, T, D] */
  hidden: tf.Tensor3D;
  /** [B, D] */
  pooled: tf.Tensor2D;
}

export class TextTower {
  readonly tokens: TokenEmbedding;
  readonly positions: LearnedPositions;

  constructor(
    store: ParamStore,
    readonly name: string,
    readonly cfg: TextTowerConfig,
    readonly encoder: TransformerEncoder,
    readonly modality?: Modality,
  ) {
    this.tokens = new TokenEmbedding(store, `${name}.tok`, cfg.vocabSize, cfg.width);
    this.positions = new LearnedPositions(store, `${name}.pos`, cfg.maxLen, cfg.width);
  }

  /** ids int32 [B, T] -> [B, T, D] token + position (+ a single-stream model's modality) embeddings. */
  embed(ids: tf.Tensor2D): tf.Tensor3D {
    const x = this.positions.apply(this.tokens.apply(ids));
    return this.modality ? this.modality.types.apply(x, this.modality.id) : x;
  }

  /** ids int32 [B, T], attention [B, T] (1 = real token) -> states [B, T, D], pooled [B, D]. */
  encode(ids: tf.Tensor2D, attention: tf.Tensor2D, ctx: ForwardContext): TextEncoding {
    if (attention.shape[0] !== ids.shape[0] || attention.shape[1] !== ids.shape[1]) {
      throw new Error(`${this.name}: attention [${attention.shape}] does not match ids [${ids.shape}]`);
    }
    const hidden = this.encoder.apply(this.embed(ids), { keyMask: attention }, ctx).last;
    const pooled = this.cfg.pooling === 'cls' ? tokenAt(hidden, 0) : maskedMean(hidden, attention);
    return { hidden, pooled };
  }
}
