/** The contract between objectives, models and the trainer. */
import * as tf from '@tensorflow/tfjs';
import { ForwardContext } from '../core';
import { ModuleName, VisionLanguageModel } from '../models';
import { Rng } from '../random';

/** One training batch on the device. */
export interface TrainBatch {
  /** [B, H, W, C] images as the model sees them (normalised). */
  images: tf.Tensor4D;
  /** int32 [B, T] token ids ([CLS] ... [SEP] [PAD]...). */
  tokens: tf.Tensor2D;
  /** [B, T] 1 = real token, 0 = padding. */
  attention: tf.Tensor2D;
  /** The same ids on the host [B][T] (text masking reads these instead of the device). */
  tokenRows?: number[][];
  /** [B][T] true on the first piece of each word (whole-word masking). */
  wordStarts?: boolean[][];
  /** [B] the caption texts (frozen pretrained text towers read these, not the ids). */
  captions?: string[];
}

/**
 * Masks fixed by an evaluation protocol, identical for every arm: an objective's `reconstruct` uses
 * them instead of drawing its own (training never sets them).
 */
export interface EvalMasks {
  /** MAE-style patch mask: kept patches int32 [B, K], restore order int32 [B, N], mask float32 [B, N] (1 = masked). */
  patches?: { keepIndices: tf.Tensor2D; restoreIndices: tf.Tensor2D; mask: tf.Tensor2D };
  /** Corrupted caption ids int32 [B, T] and labels int32 [B, T] (−100 = not scored). */
  text?: { ids: tf.Tensor2D; labels: tf.Tensor2D };
}

/** A data-parallel shard's view of the step's whole batch (see global_batch.ts). */
export interface BatchShard {
  /** The step's whole batch (device tensors and host rows). */
  global: TrainBatch;
  /** Its first row that is this shard's `batch`. */
  start: number;
  /** Second pass: every row's features by key, [B, ...] constants (this objective's keys only). */
  gathered?: Record<string, tf.Tensor>;
  /** First pass: `gatherRows` records this shard's features here (kept) and stops the forward. */
  collect?: Record<string, tf.Tensor>;
}

/** Everything an objective sees in one step. */
export interface StepInputs {
  model: VisionLanguageModel;
  batch: TrainBatch;
  /** This step's randomness (masks, swaps, negatives); forked per objective. */
  rng: Rng;
  ctx: ForwardContext;
  /** The optimizer step being computed (1-based; staged objectives read it), when training. */
  step?: number;
  /** Evaluation only: use these masks instead of drawing them (reconstructions comparable across arms). */
  evalMasks?: EvalMasks;
  /** Data parallelism: `batch` is a row shard of this step's whole batch (see global_batch.ts). */
  shard?: BatchShard;
}

/** Data an objective may look at once before training (e.g. to fit a codebook). */
export interface PrepareData {
  /** A few training batches' images [M, H, W, C]; the caller disposes it. */
  sampleImages(): tf.Tensor4D;
  /** Every training caption (e.g. to embed once with a frozen text tower). */
  captions?(): string[];
}

/** What a masked objective predicts on a batch, for reconstruction metrics (caller disposes). */
export interface Reconstruction {
  /** Pixel MIM: predicted and true patches [B, N, P] in image space, mask [B, N] (1 = scored). */
  pixels?: { pred: tf.Tensor3D; target: tf.Tensor3D; mask: tf.Tensor2D };
  /**
   * Token predictions by kind ('mlm', 'mim', 'mmm'): logits [B, L, V], labels int32 [B, L] (−100 = not
   * scored); `givenImage` marks masked text predicted with the image in view (cross-modal reconstruction).
   */
  tokens?: Record<string, { logits: tf.Tensor3D; labels: tf.Tensor2D; givenImage?: boolean }>;
}

export interface Objective {
  readonly name: string;
  /** Model modules it uses; checked at start so a missing one fails with a clear message. */
  readonly needs: readonly ModuleName[];
  /**
   * Its loss uses the other rows of the batch (contrastive negatives, ITM caption swaps or hard
   * negatives): with one row per batch there is nothing to contrast and the run cannot learn.
   */
  readonly batchCoupled?: boolean;
  /**
   * Its loss compares features of every row (embeddings) through `gatherRows`: a data-parallel step
   * first runs it without gradient up to that call to collect each shard's features.
   */
  readonly gathersFeatures?: boolean;
  /** True when its loss trains the joint space (the image and text projections): a contrastive term. */
  readonly trainsJointSpace?: boolean;
  /**
   * Param-name prefixes it keeps frozen (e.g. `lm.` for a frozen language model): made
   * non-trainable before the optimizer is built, so they get neither updates nor optimizer state.
   */
  readonly freezes?: readonly string[];
  /** The recipe's own weights of its terms (missing = 1), applied in `combineObjectives`. */
  readonly termWeights?: Readonly<Record<string, number>>;
  /** One-off preparation before step 1 (also on resume; trained state is then restored from the checkpoint). */
  prepare?(model: VisionLanguageModel, data: PrepareData): void | Promise<void>;
  /** Named unweighted loss terms for this step, each a scalar. Runs inside tf.variableGrads. */
  terms(inputs: StepInputs): Record<string, tf.Scalar>;
  /** Masked objectives: the predictions behind their loss, in eval mode, for reconstruction metrics. */
  reconstruct?(inputs: StepInputs): Reconstruction;
}
