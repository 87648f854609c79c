/**
 * The objective registry: a name, an options schema (zod, unknown keys rejected) and a factory.
 * An experiment lists any mix: [{ name: "clip", weight: 1 }, { name: "mae", weight: 0.5, maskRatio: 0.75 }].
 */
import { z } from 'zod';
import { clipObjective, flipObjective, siglipObjective } from './contrastive';
import { flavaObjective, mmmObjective } from './flava';
import { itmObjective } from './itm';
import { litObjective } from './lit';
import { m3aeObjective } from './m3ae';
import { maeObjective, mimTokensObjective } from './mim';
import { maskgitObjective } from './maskgit';
import { maskvlmObjective } from './maskvlm';
import { captionObjective, mlmObjective } from './text';
import { frozenObjective, lmObjective } from './bridge';
import { qformerObjective } from './qformer';
import { ModelConfigInput, modulesConfig } from '../models';
import { Objective } from './types';

const ratio = z.number().gt(0).lt(1);
const textMask = z.strictObject({ rate: ratio.optional(), wholeWord: z.boolean().optional() });
const blockSettings = { maskRatio: ratio.optional() };

interface Entry {
  options: z.ZodObject;
  create(opts: never): Objective;
}

export const OBJECTIVES: Record<string, Entry> = {
  clip: { options: z.strictObject({}), create: clipObjective },
  siglip: { options: z.strictObject({}), create: siglipObjective },
  flip: { options: z.strictObject({ dropRatio: ratio.optional() }), create: flipObjective },
  mae: { options: z.strictObject({ maskRatio: ratio.optional(), normPix: z.boolean().optional() }), create: maeObjective },
  mimTokens: { options: z.strictObject({ ...blockSettings, kmeansSeed: z.number().int().optional() }), create: mimTokensObjective },
  mlm: { options: z.strictObject({ rate: ratio.optional(), wholeWord: z.boolean().optional() }), create: mlmObjective },
  mmm: { options: z.strictObject({ ...blockSettings, text: textMask.optional() }), create: mmmObjective },
  itm: {
    options: z.strictObject({ negatives: z.enum(['swap', 'hard']).optional(), swapRate: ratio.optional() }),
    create: itmObjective,
  },
  flava: {
    options: z.strictObject({ ...blockSettings, text: textMask.optional(), swapRate: ratio.optional() }),
    create: flavaObjective,
  },
  maskvlm: {
    options: z.strictObject({ imageMaskRatio: ratio.optional(), text: textMask.optional(), normPix: z.boolean().optional() }),
    create: maskvlmObjective,
  },
  m3ae: {
    options: z.strictObject({ imageMaskRatio: ratio.optional(), textMaskRate: ratio.optional(), textWeight: z.number().nonnegative().optional() }),
    create: m3aeObjective,
  },
  lit: { options: z.strictObject({ loss: z.enum(['clip', 'siglip']).optional() }), create: litObjective },
  maskgit: { options: z.strictObject({ captionDrop: z.number().min(0).lt(1).optional(), kmeansSeed: z.number().int().optional() }), create: maskgitObjective },
  caption: {
    options: z.strictObject({ contrastive: z.boolean().optional(), captionWeight: z.number().nonnegative().optional() }),
    create: captionObjective,
  },
  lm: { options: z.strictObject({}), create: lmObjective },
  frozen: { options: z.strictObject({}), create: frozenObjective },
  qformer: { options: z.strictObject({ stage1Steps: z.number().int().nonnegative().optional() }), create: qformerObjective },
};

/** An objective as listed in a config: its name, its weight, and its own options. */
export const ObjectiveSpecSchema = z.looseObject({ name: z.string(), weight: z.number().nonnegative().default(1) });
export type ObjectiveSpec = z.input<typeof ObjectiveSpecSchema>;

/** Build one objective from its spec; `where` names the config location for errors. */
export function createObjective(spec: ObjectiveSpec, where = 'objectives'): { objective: Objective; weight: number } {
  const { name, weight, ...rest } = ObjectiveSpecSchema.parse(spec);
  const entry = OBJECTIVES[name];
  if (!entry) throw new Error(`${where}: unknown objective '${name}' (known: ${Object.keys(OBJECTIVES).join(', ')})`);
  const parsed = entry.options.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = issue.path.length ? `.${issue.path.join('.')}` : '';
    const what = issue.code === 'unrecognized_keys' ? `unknown option(s) ${issue.keys.join(', ')}` : issue.message;
    throw new Error(`${where} (${name})${key}: ${what}`);
  }
  return { objective: entry.create(parsed.data as never), weight };
}

/** Model config entries for every module the objectives of `specs` need (each at its default size). */
export function objectiveModules(specs: ObjectiveSpec[], where = 'objectives'): Partial<ModelConfigInput> {
  return modulesConfig(specs.flatMap((spec) => createObjective(spec, where).objective.needs));
}
