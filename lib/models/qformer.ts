/**
 * BLIP-2's Q-Former at mvlm's scale: Nq learned queries and the text share each layer's
 * self-attention (under one of the three masks of qformer_mask.ts); only the queries
 * cross-attend to the frozen image features; queries and text have their own MLPs. Pre-LN blocks
 * from the core. Heads: ITC projections, the ITM classifier, the image-grounded text head, and the
 * projection of the query outputs into the frozen LM (stage 2 soft prompts).
 */
import * as tf from '@tensorflow/tfjs';
import { ForwardContext, LayerNorm, Linear, Mlp, MultiHeadAttention, ParamStore } from '../core';
import { Projection } from '../heads';
import { QformerMaskKind, qformerBias } from './qformer_mask';

export interface QformerConfig {
  queries: number;
  width: number;
  depth: number;
  heads: number;
  imageWidth: number;
  embedDim: number;
  vocabSize: number;
  /** Width of the frozen LM its outputs are projected into (stage 2). */
  lmWidth: number;
  mlpRatio: number;
}

class QformerLayer {
  readonly ln1: LayerNorm;
  readonly attn: MultiHeadAttention;
  readonly lnCross: LayerNorm;
  readonly crossAttn: MultiHeadAttention;
  readonly lnQuery: LayerNorm;
  readonly mlpQuery: Mlp;
  readonly lnText: LayerNorm;
  readonly mlpText: Mlp;

  constructor(store: ParamStore, name: string, cfg: QformerConfig) {
    const { width: dim, heads } = cfg;
    const hidden = Math.round(cfg.mlpRatio * dim);
    this.ln1 = new LayerNorm(store, `${name}.ln1`, dim);
    this.attn = new MultiHeadAttention(store, `${name}.attn`, { dim, heads });
    this.lnCross = new LayerNorm(store, `${name}.lnCross`, dim);
    this.crossAttn = new MultiHeadAttention(store, `${name}.crossAttn`, { dim, heads, cross: true, contextDim: cfg.imageWidth });
    this.lnQuery = new LayerNorm(store, `${name}.lnQuery`, dim);
    this.mlpQuery = new Mlp(store, `${name}.mlpQuery`, dim, hidden);
    this.lnText = new LayerNorm(store, `${name}.lnText`, dim);
    this.mlpText = new Mlp(store, `${name}.mlpText`, dim, hidden);
  }

  /** x [B, Nq+T, D] (queries first), bias [B, 1, L, L] or null, image [B, S, Di] -> [B, Nq+T, D] */
  apply(x: tf.Tensor3D, Nq: number, bias: tf.Tensor | null, image: tf.Tensor3D, ctx: ForwardContext): tf.Tensor3D {
    const [B, L, D] = x.shape;
    const h = x.add(this.attn.apply(this.ln1.apply(x) as tf.Tensor3D, { bias }, ctx)) as tf.Tensor3D;
    let q = h.slice([0, 0, 0], [B, Nq, D]);
    q = q.add(this.crossAttn.apply(this.lnCross.apply(q) as tf.Tensor3D, { context: image, bias: null }, ctx));
    q = q.add(this.mlpQuery.apply(this.lnQuery.apply(q), ctx));
    if (L === Nq) return q;
    let t = h.slice([0, Nq, 0], [B, L - Nq, D]);
    t = t.add(this.mlpText.apply(this.lnText.apply(t), ctx));
    return tf.concat([q, t], 1) as tf.Tensor3D;
  }
}

export interface QformerOutput {
  /** [B, Nq, D] query outputs. */
  queries: tf.Tensor3D;
  /** [B, T, D] text outputs (when text was given). */
  text?: tf.Tensor3D;
}

export class QFormer {
  readonly queries: tf.Variable;
  readonly layers: QformerLayer[];
  readonly norm: LayerNorm;
  /** ITC: query outputs and the text [CLS] output into the joint space. */
  readonly visionProj: Projection;
  readonly textProj: Projection;
  readonly itm: Linear;
  /** Image-grounded generation: text outputs -> vocabulary. */
  readonly lmHead: Linear;
  /** Stage 2: query outputs -> soft prompts of the frozen LM. */
  readonly lmProj: Linear;

  constructor(store: ParamStore, readonly cfg: QformerConfig) {
    this.queries = store.get('qformer.queries', [1, cfg.queries, cfg.width], { kind: 'truncatedNormal', std: 0.02 }, { decay: false });
    this.layers = Array.from({ length: cfg.depth }, (_, i) => new QformerLayer(store, `qformer.layers.${i}`, cfg));
    this.norm = new LayerNorm(store, 'qformer.norm', cfg.width);
    this.visionProj = new Projection(store, 'qformer.visionProj', cfg.width, cfg.embedDim);
    this.textProj = new Projection(store, 'qformer.textProj', cfg.width, cfg.embedDim);
    this.itm = new Linear(store, 'qformer.itm', cfg.width, 2);
    this.lmHead = new Linear(store, 'qformer.lmHead', cfg.width, cfg.vocabSize);
    this.lmProj = new Linear(store, 'qformer.lmProj', cfg.width, cfg.lmWidth);
  }

  /**
   * image features [B, S, Di]; text embeddings [B, T, D] with attention [B, T] under mask `kind`
   * (or queries alone) -> query outputs [B, Nq, D] (and text outputs [B, T, D]).
   */
  apply(image: tf.Tensor3D, ctx: ForwardContext, text?: { emb: tf.Tensor3D; attention: tf.Tensor2D; kind: QformerMaskKind }): QformerOutput {
    const B = image.shape[0];
    const Nq = this.cfg.queries;
    const D = this.cfg.width;
    const q = tf.zeros([B, Nq, D]).add(this.queries) as tf.Tensor3D; // [1, Nq, D] -> [B, Nq, D]
    let x = text ? (tf.concat([q, text.emb], 1) as tf.Tensor3D) : q;
    const bias = text ? qformerBias(text.kind, Nq, text.attention) : null;
    for (const layer of this.layers) x = layer.apply(x, Nq, bias, image, ctx);
    x = this.norm.apply(x) as tf.Tensor3D;
    if (!text) return { queries: x };
    const T = text.emb.shape[1];
    return { queries: x.slice([0, 0, 0], [B, Nq, D]), text: x.slice([0, Nq, 0], [B, T, D]) };
  }

  /** Unit-norm ITC embeddings of every query output: [B, Nq, D] -> [B, Nq, E]. */
  queryEmbeddings(queries: tf.Tensor3D): tf.Tensor3D {
    const [B, Nq, D] = queries.shape;
    return this.visionProj.apply(queries.reshape([B * Nq, D])).reshape([B, Nq, this.cfg.embedDim]); // [B·Nq, E] -> [B, Nq, E]
  }

  /** ITM logits [B, 2] (1 = matched): the classifier on every query output, averaged (BLIP-2). */
  itmLogits(queries: tf.Tensor3D): tf.Tensor2D {
    return this.itm.apply(queries).mean(1) as tf.Tensor2D;
  }
}
