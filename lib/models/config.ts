/** The typed, validated model configuration (zod): towers, optional fusion/cross/decoders, heads. */
import { z } from 'zod';

const encoderShape = {
  width: z.number().int().positive(),
  depth: z.number().int().nonnegative(),
  heads: z.number().int().positive(),
};

export const ModelConfigSchema = z
  .object({
    imageSize: z.number().int().positive().default(32),
    patchSize: z.number().int().positive().default(8),
    channels: z.number().int().positive().default(3),
    /** Width, depth and heads of the image tower (and of the text tower unless `text` overrides). */
    width: z.number().int().positive().default(128),
    depth: z.number().int().nonnegative().default(2),
    heads: z.number().int().positive().default(4),
    mlpRatio: z.number().positive().default(4),
    dropout: z.number().min(0).max(1).default(0),
    /** Image pooling for the global embedding. */
    imagePooling: z.enum(['cls', 'mean']).default('cls'),
    /** 'learned' positions, or MAE's fixed 2-D sin-cos table. */
    imagePositions: z.enum(['learned', 'sincos']).default('sincos'),
    text: z.strictObject({ ...encoderShape, maxLen: z.number().int().positive() }).partial().default({}),
    /** 'scratch': the text tower above, trained; 'use': a frozen USE-lite tower from local files (LiT). */
    textTower: z
      .discriminatedUnion('kind', [
        z.strictObject({ kind: z.literal('scratch') }),
        z.strictObject({ kind: z.literal('use'), modelDir: z.string().optional(), vocab: z.string().optional(), dim: z.number().int().positive().default(512) }),
      ])
      .default({ kind: 'scratch' }),
    /** Joint embedding width of the contrastive space. */
    embedDim: z.number().int().positive().default(128),
    /** Image and text towers share one core (the same blocks); needs equal widths. */
    shareCore: z.boolean().default(false),
    /** FLAVA-style fusion encoder over [mmCLS; image; text]. */
    fusion: z.strictObject({ depth: z.number().int().positive(), width: z.number().int().positive().optional() }).nullable().default(null),
    /** MaskVLM-style cross-modality encoders (image reads text, text reads image). */
    cross: z.strictObject({ depth: z.number().int().positive() }).nullable().default(null),
    /** M3AE-style single stream: one core over [CLS; patches; tokens] with modality embeddings. */
    singleStream: z.boolean().default(false),
    /** MAE light pixel decoder. */
    pixelDecoder: z
      .strictObject({ width: z.number().int().positive().default(64), depth: z.number().int().nonnegative().default(1), heads: z.number().int().positive().default(4) })
      .nullable()
      .default(null),
    /** Discrete MIM head over a k-means codebook of patches. */
    mimTokens: z.strictObject({ codebookSize: z.number().int().min(2).default(64) }).nullable().default(null),
    /** MLM head on text hidden states. */
    mlmHead: z.boolean().default(false),
    /** ITM head (2-way) on the fused CLS. */
    itmHead: z.boolean().default(false),
    /** CoCa-style caption decoder: causal text blocks cross-attending to image tokens. */
    captionDecoder: z.strictObject({ depth: z.number().int().positive() }).nullable().default(null),
    /**
     * mvlm's small causal LM (`lm.*` params): trained alone by the `lm` objective, frozen under
     * `frozen` and `qformer`. `checkpoint`: a run folder or checkpoint whose `lm.*` tensors and
     * tokenizer are loaded (null: a `frozen`/`qformer` run first trains one for `stageSteps` steps
     * into RUN/lm). Width, depth and heads default to the text tower's.
     */
    lm: z
      .strictObject({
        width: encoderShape.width.optional(),
        depth: encoderShape.depth.optional(),
        heads: encoderShape.heads.optional(),
        checkpoint: z.string().nullable().default(null),
        stageSteps: z.number().int().positive().default(300),
      })
      .nullable()
      .default(null),
    /**
     * The image as prefix embeddings of the LM through one linear map: `tokens: K` maps the pooled
     * image feature to K embeddings (Frozen); `'all'` maps every image state (CLS + patches) to one
     * embedding each (MiniGPT-4's per-token projection).
     */
    prefix: z.strictObject({ tokens: z.union([z.number().int().positive(), z.literal('all')]).default(4) }).nullable().default(null),
    /** BLIP-2's Q-Former: learned queries reading the image features; width = the text tower's. */
    qformer: z
      .strictObject({ queries: z.number().int().positive().default(8), depth: z.number().int().positive().default(2) })
      .nullable()
      .default(null),
    /**
     * A run folder or checkpoint whose image tower (`image.*` params) is loaded and frozen before
     * training (e.g. a MAE or CLIP run); its image settings must equal this model's.
     */
    imageFrom: z.string().nullable().default(null),
    /** SigLIP's learned logit bias (the log logit scale is always there). */
    logitBias: z.boolean().default(false),
    /** Initial logit scale (exponentiated); CLIP 1/0.07, SigLIP 10. */
    initLogitScale: z.number().positive().default(1 / 0.07),
    /**
     * SigLIP's initial logit bias: a number, or 'auto' = −log(B − 1) for the training batch B,
     * never below SigLIP's −10 (i.e. the prior for batches under ≈ 22 000; −10 above, or when the
     * batch size is not known). See initialLogitBias in lib/heads/logit_scale.ts.
     */
    initLogitBias: z.union([z.number(), z.literal('auto')]).default('auto'),
  })
  .strict();

export type ModelConfig = z.infer<typeof ModelConfigSchema>;
export type ModelConfigInput = z.input<typeof ModelConfigSchema>;

/** Text-side facts that come from the tokenizer, not the config. */
export interface TextSpec {
  vocabSize: number;
  padId: number;
  clsId: number;
  sepId: number;
  maskId: number;
  /** Ids never masked or sampled as random replacements. */
  specialIds: number[];
}

/** The text facts a model needs, read off the tokenizer. */
export function textSpecOf(tokenizer: TextSpec): TextSpec {
  const { vocabSize, padId, clsId, sepId, maskId, specialIds } = tokenizer;
  return { vocabSize, padId, clsId, sepId, maskId, specialIds };
}

/** The model config a run builds: its text tower takes captions of the data's `maxLen` unless `model.text.maxLen` says otherwise. */
export function runModelConfig(model: ModelConfigInput, maxLen: number): ModelConfigInput {
  return { ...model, text: { maxLen, ...model.text } };
}

export function parseModelConfig(raw: unknown): ModelConfig {
  return ModelConfigSchema.parse(raw ?? {});
}

/** The text tower's shape: the image tower's unless overridden. */
export function textShape(cfg: ModelConfig): { width: number; depth: number; heads: number; maxLen: number } {
  return {
    width: cfg.text.width ?? cfg.width,
    depth: cfg.text.depth ?? cfg.depth,
    heads: cfg.text.heads ?? cfg.heads,
    maxLen: cfg.text.maxLen ?? 16,
  };
}

/** The LM's shape: the text tower's unless `model.lm` overrides (null without an LM). */
export function lmShape(cfg: ModelConfig): { width: number; depth: number; heads: number; maxLen: number } | null {
  if (!cfg.lm) return null;
  const ts = textShape(cfg);
  return { width: cfg.lm.width ?? ts.width, depth: cfg.lm.depth ?? ts.depth, heads: cfg.lm.heads ?? ts.heads, maxLen: ts.maxLen };
}
