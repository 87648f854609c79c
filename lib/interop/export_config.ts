/**
 * config.json and tokenizer.json of an exported model: everything a loader needs to rebuild the
 * towers and mvlm's tokenisation, as plain JSON (see lib/interop/README.md for every field).
 * Pure: no tfjs, no Node built-ins (a browser loader may import the types and the checks).
 */
import type { ModelConfig } from '../models/config';
import { textShape } from '../models/config';
import type { SubwordTokenizer } from '../data/tokenizer';
import { Variant, mlpWidth, variantOf } from './weight_map';

export const EXPORT_FORMAT = 'mvlm-export';
export const EXPORT_FORMAT_VERSION = 1;
export const CONFIG_FILE = 'config.json';
export const WEIGHTS_FILE = 'model.safetensors';
export const TOKENIZER_FILE = 'tokenizer.json';
export const CARD_FILE = 'README.md';

/** One transformer encoder (pre-LayerNorm blocks, exact GELU MLP, a final LayerNorm). */
export interface EncoderSpec {
  width: number;
  depth: number;
  heads: number;
  mlp_dim: number;
  layer_norm_eps: number;
}

export interface ExportConfig {
  format: typeof EXPORT_FORMAT;
  format_version: number;
  architectures: ['MvlmDualEncoder'];
  model_type: 'mvlm';
  mvlm_version: string;
  variant: Variant;
  /** The text tower runs the image tower's blocks (their weights are exported under both names). */
  shared_core: boolean;
  single_stream: boolean;
  vision: EncoderSpec & {
    image_size: number;
    patch_size: number;
    channels: number;
    /** 'cls': the CLS state; 'mean': the mean of the patch states (CLS excluded). */
    pooling: 'cls' | 'mean';
    /** Where visual.pos_embed came from (it is exported either way; patches only, CLS has none). */
    positions: 'learned' | 'sincos';
    /** Per channel (`channels` values), applied as (pixel − mean) / std to pixels in [0, 1] before the patch projection. */
    image_mean: number[];
    image_std: number[];
  };
  text: EncoderSpec & {
    vocab_size: number;
    /** Rows of text.pos_embed (the longest sequence the tower takes). */
    max_positions: number;
    /** Tokens per caption the tokenizer makes ([CLS] and [SEP] included, padded with [PAD]). */
    max_length: number;
    /** The state at position 0 ([CLS]). */
    pooling: 'cls';
    pad_id: number;
    cls_id: number;
    sep_id: number;
  };
  embed_dim: number;
  /** Added to attention logits at padded keys (text only). */
  attention_mask_value: number;
  /** Embeddings are x / max(‖x‖, eps). */
  normalize_eps: number;
  activation: 'gelu';
  /** Exported as trained: the log of the contrastive scale (and SigLIP's bias when it has one). */
  logit_scale_is_log: true;
  logit_bias: boolean;
  /** False when no objective of the run trained the projections (their embeddings are then random projections). */
  joint_space_trained: boolean;
  checkpoint: { step: number; source: string };
  /** The run's whole experiment config (data, model, objectives, train), as mvlm validated it. */
  training: unknown;
}

export const LAYER_NORM_EPS = 1e-6;
export const ATTENTION_MASK_VALUE = -1e9;
export const NORMALIZE_EPS = 1e-6;

/** The tokenizer facts an export names (a SubwordTokenizer has them). */
export type TokenizerFacts = Pick<SubwordTokenizer, 'pieces' | 'vocabSize' | 'padId' | 'unkId' | 'clsId' | 'sepId' | 'maskId'>;

export interface ExportConfigInput {
  model: ModelConfig;
  tokenizer: TokenizerFacts;
  maxLen: number;
  jointSpaceTrained: boolean;
  step: number;
  source: string;
  training: unknown;
  mvlmVersion: string;
}

export function exportConfig(o: ExportConfigInput): ExportConfig {
  const cfg = o.model;
  const ts = textShape(cfg);
  const encoder = (width: number, depth: number, heads: number): EncoderSpec => ({ width, depth, heads, mlp_dim: mlpWidth(cfg, width), layer_norm_eps: LAYER_NORM_EPS });
  return {
    format: EXPORT_FORMAT,
    format_version: EXPORT_FORMAT_VERSION,
    architectures: ['MvlmDualEncoder'],
    model_type: 'mvlm',
    mvlm_version: o.mvlmVersion,
    variant: variantOf(cfg),
    shared_core: cfg.shareCore,
    single_stream: cfg.singleStream,
    vision: {
      ...encoder(cfg.width, cfg.depth, cfg.heads),
      image_size: cfg.imageSize,
      patch_size: cfg.patchSize,
      channels: cfg.channels,
      pooling: cfg.imagePooling,
      positions: cfg.imagePositions,
      // mvlm feeds pixels in [0, 1] to the patch projection as they are
      image_mean: new Array<number>(cfg.channels).fill(0),
      image_std: new Array<number>(cfg.channels).fill(1),
    },
    text: {
      ...encoder(ts.width, ts.depth, ts.heads),
      vocab_size: o.tokenizer.vocabSize,
      max_positions: ts.maxLen,
      max_length: o.maxLen,
      pooling: 'cls',
      pad_id: o.tokenizer.padId,
      cls_id: o.tokenizer.clsId,
      sep_id: o.tokenizer.sepId,
    },
    embed_dim: cfg.embedDim,
    attention_mask_value: ATTENTION_MASK_VALUE,
    normalize_eps: NORMALIZE_EPS,
    activation: 'gelu',
    logit_scale_is_log: true,
    logit_bias: cfg.logitBias,
    joint_space_trained: o.jointSpaceTrained,
    checkpoint: { step: o.step, source: o.source },
    training: o.training,
  };
}

/** tokenizer.json: mvlm's own tokenizer file (SubwordTokenizer.fromJSON reads it) plus what it implies, spelled out. */
export interface ExportTokenizer {
  format: 'mvlm-subword-tokenizer';
  version: 1;
  normalisation: 'nfkc-lowercase';
  /** [piece, score] pairs; index = id. */
  pieces: [string, number][];
  special_tokens: Record<'pad' | 'unk' | 'cls' | 'sep' | 'mask', { id: number; token: string }>;
  max_length: number;
  /** A human-readable statement of the algorithm (the README of lib/interop has the details). */
  algorithm: string;
}

export const TOKENIZER_ALGORITHM =
  'normalise: NFKC, lowercase, astral characters -> U+FFFD, C0 controls and DEL -> space, runs of JS \\s -> one space, trim; ' +
  'segment: SentencePiece Viterbi over UTF-16 code units of "▁" + text with spaces -> "▁" (NFKC again), pieces with id >= 5, ' +
  'a path score of exactly 0 counts as unset, ties go to the later start, an unknown code unit is one piece of score 0 ' +
  'and a run of them one [UNK]; ' +
  'encode: [CLS] pieces[:max_length-2] [SEP], then [PAD] to max_length; attention 1 on real tokens';

export function exportTokenizer(tokenizer: TokenizerFacts, maxLen: number): ExportTokenizer {
  const special = (id: number) => ({ id, token: tokenizer.pieces[id][0] });
  const t = tokenizer;
  return {
    format: 'mvlm-subword-tokenizer',
    version: 1,
    normalisation: 'nfkc-lowercase',
    pieces: t.pieces,
    special_tokens: { pad: special(t.padId), unk: special(t.unkId), cls: special(t.clsId), sep: special(t.sepId), mask: special(t.maskId) },
    max_length: maxLen,
    algorithm: TOKENIZER_ALGORITHM,
  };
}
