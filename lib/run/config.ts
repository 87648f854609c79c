/**
 * An experiment config: data, model, objectives, training. Configs are JSON presets in
 * `experiments/configs/`, validated strictly (unknown keys and wrong types name the key path).
 */
import { z } from 'zod';
import { ModelConfigSchema } from '../models';
import { ObjectiveSpecSchema } from '../objectives';
import { trainOptionsSchema } from '../train';

export const DataConfigSchema = z.strictObject({
  /** Dataset spec for training (`emoji:google`, `shapes`, `mnist`, `jsonl:PATH`, ...). */
  train: z.string().default('emoji:google'),
  /** Held-out spec for evaluation (default: the test split of `train`). */
  test: z.string().optional(),
  batchSize: z.number().int().positive().default(32),
  /** Tokens per caption, [CLS] and [SEP] included. */
  maxLen: z.number().int().min(2).default(16),
  vocabSize: z.number().int().positive().default(1000),
  /** `shapes`: items in the training split. */
  size: z.number().int().positive().optional(),
  captionChoice: z.enum(['random', 'first']).default('random'),
  skipBad: z.boolean().default(false),
});

export const ExperimentConfigSchema = z.strictObject({
  /** What this preset is and the command that runs it (configs are documentation too). */
  description: z.string().optional(),
  data: DataConfigSchema.default(DataConfigSchema.parse({})),
  model: ModelConfigSchema.default(ModelConfigSchema.parse({})),
  objectives: z.array(ObjectiveSpecSchema).min(1),
  train: trainOptionsSchema,
  /** Run the evaluators every N steps (0 = only at the end of `mvlm eval`). */
  evalEvery: z.number().int().nonnegative().default(0),
});

export type ExperimentConfig = z.output<typeof ExperimentConfigSchema>;
export type ExperimentConfigInput = z.input<typeof ExperimentConfigSchema>;
