/**
 * Trainer options: a strict zod schema (configs embed it as their `train` section; unknown keys
 * and wrong types are rejected with the key path) plus the run-only options that are not config.
 */
import { z } from 'zod';

export const trainOptionsSchema = z.strictObject({
  /** Train until this many optimizer updates are done. */
  steps: z.number().int().positive(),
  /** Peak learning rate. */
  lr: z.number().positive().default(1e-3),
  warmupSteps: z.number().int().nonnegative().default(0),
  /** Horizon of the cosine decay (default: `steps`). Keep it fixed across an interrupted run. */
  decaySteps: z.number().int().positive().optional(),
  /** Final lr as a fraction of `lr`. */
  minLrRatio: z.number().min(0).max(1).default(0.1),
  weightDecay: z.number().nonnegative().default(0.05),
  betas: z.tuple([z.number().min(0).lt(1), z.number().min(0).lt(1)]).default([0.9, 0.999]),
  eps: z.number().positive().default(1e-8),
  /**
   * Per-param-group learning-rate multipliers (lr · k for that group's params). SigLIP's logit
   * scale and bias are two scalars whose gradient Adam normalises to a step of ~lr: at lr 1e-3 a
   * bias that must travel several units needs thousands of steps, so give them k = 10.
   */
  lrMultipliers: z
    .strictObject({
      /** The learned log logit scale (every contrastive arm). */
      logitScale: z.number().positive().optional(),
      /** SigLIP's learned logit bias. */
      logitBias: z.number().positive().optional(),
    })
    .default({}),
  /** Global-norm clip; 0 = off (the norm is still logged). */
  clipNorm: z.number().nonnegative().default(1),
  /** Micro-batches per optimizer update (gradients averaged). */
  accumulate: z.number().int().positive().default(1),
  seed: z.number().int().default(0),
  /** Steps per metrics line (and per loss read / NaN check). */
  logEvery: z.number().int().positive().default(10),
  /** Steps per checkpoint; 0 = only at the end. */
  checkpointEvery: z.number().int().nonnegative().default(0),
  /** Newest checkpoints kept; 0 = all. */
  keepCheckpoints: z.number().int().nonnegative().default(3),
  quiet: z.boolean().default(false),
});

/** Options as written in a config (defaults optional). */
export type TrainConfig = z.input<typeof trainOptionsSchema>;
/** Options with defaults filled in. */
export type ResolvedTrainConfig = z.output<typeof trainOptionsSchema>;

/** Run-only options (not part of an experiment config). */
export interface RunOptions {
  /** Run folder for metrics.jsonl and checkpoints; none = nothing written. */
  out?: string;
  /** Continue from the newest checkpoint in `out` that verifies against its manifest. */
  resume?: boolean;
  /** With `resume`: this checkpoint folder instead of the newest good one. */
  resumeFrom?: string;
  /**
   * Stop early when aborted: the current step finishes, is logged and checkpointed (when `out` is
   * set), and `train` returns with `interrupted` set to the abort reason.
   */
  signal?: AbortSignal;
  /** Start fresh even if `out` already has checkpoints (they are deleted). */
  overwrite?: boolean;
  /** The experiment config, saved into every checkpoint's state.json. */
  config?: unknown;
  /** Anything else to save in state.json (JSON-serialisable). */
  meta?: object;
  /** Extra files saved in every checkpoint, e.g. `{ 'tokenizer.json': text }`. */
  files?: Record<string, string | Uint8Array>;
}
