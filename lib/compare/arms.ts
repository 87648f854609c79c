/**
 * The arms of the compare-objectives study: each is a set of objectives on the same backbone, data,
 * steps, batch and seeds; the model modules come from what the objectives need (`armModules`).
 */
import { ModelConfigInput } from '../models';
import { ObjectiveSpec, objectiveModules } from '../objectives';
import { useFilesStatus } from '../pretrained';
import { TrainConfig } from '../train';

export interface Arm {
  name: string;
  objectives: ObjectiveSpec[];
  /** Training options of this arm on top of the study's (e.g. a param group's learning rate). */
  train?: Pick<TrainConfig, 'lrMultipliers'>;
  /** What the arm stands for, for the report. */
  about: string;
}

export const ARMS: Arm[] = [
  { name: 'clip', objectives: [{ name: 'clip' }], about: 'contrastive (InfoNCE)' },
  {
    name: 'siglip',
    objectives: [{ name: 'siglip' }],
    // SigLIP's reference init (t = 10, b = −10) is made for batches of ~32k: at batch 32 the loss
    // sits at the constant-similarity optimum (4.45 = log 32 + 31·log(32/31)) for ~100 steps,
    // because Adam moves b by ~lr per step. So: the clip arm's temperature (model default 1/0.07,
    // same lr), b at the batch prior −log(B − 1) (initLogitBias 'auto'), and 10× lr on b alone
    // (the one parameter clip does not have), so the two arms differ by their loss only.
    train: { lrMultipliers: { logitBias: 10 } },
    about: "contrastive (sigmoid): clip's temperature init and lr, bias at the prior −log(B − 1) with 10× lr",
  },
  { name: 'flip', objectives: [{ name: 'flip', dropRatio: 0.5 }], about: 'CLIP with 50 % patch dropout' },
  { name: 'mae', objectives: [{ name: 'mae', maskRatio: 0.75, normPix: true }], about: 'image-only masked pixels (then a linear probe)' },
  { name: 'mlm+mae', objectives: [{ name: 'mlm' }, { name: 'mae', maskRatio: 0.75, normPix: true }], about: 'unimodal masking only' },
  {
    name: 'flava',
    objectives: [{ name: 'flava' }],
    about: 'MLM + MIM + MMM + ITM + contrastive; ITM on the masked multimodal sequence, as torchmultimodal does',
  },
  {
    name: 'maskvlm',
    objectives: [{ name: 'maskvlm' }],
    about: 'contrastive + ITM (hard negatives ∝ softmax(s·cos), ALBEF) + cross-modal reconstruction',
  },
  {
    name: 'clip+mae',
    objectives: [{ name: 'clip' }, { name: 'mae', maskRatio: 0.75, normPix: true }],
    about: 'contrastive + masked pixels (Weers et al.)',
  },
  { name: 'm3ae', objectives: [{ name: 'm3ae' }], about: 'one stream, patches and text masked at 0.75 (M3AE); masked tokens become [MASK] instead of being dropped, as there is no text decoder to put them back' },
  { name: 'caption', objectives: [{ name: 'caption' }], about: 'CoCa-style captioning + contrastive' },
  {
    name: 'maskgit',
    objectives: [{ name: 'maskgit' }],
    about: 'text-to-image: masked k-means patch tokens predicted from the visible ones and the caption (MaskGIT cosine-schedule masks, 10 % of captions dropped); does generative training give a useful representation?',
  },
  {
    // LiT's own name for this is "uL": the image tower unlocked, the text tower Locked. LiT proper
    // ("Lu") locks a pretrained *image* tower; mvlm has a pretrained text tower only.
    name: 'lit_uL_use',
    objectives: [{ name: 'lit' }],
    about: "LiT's uL setting: image tower trained from scratch against a locked pretrained text tower (USE-lite; needs MVLM_USE_DIR). LiT proper (Lu) locks the image tower instead",
  },
];

/** Arms that need files from outside the registry, with the check that says why they cannot run. */
export const ARM_REQUIREMENTS: Record<string, () => { ok: true } | { ok: false; reason: string }> = {
  lit_uL_use: () => useFilesStatus(),
};

/** Arms that were renamed: the old name fails with the new one. */
const RENAMED: Record<string, string> = {
  lit_use: "lit_uL_use (it locks the text tower: LiT's uL setting, not LiT's locked image tower)",
};

export function armByName(name: string): Arm {
  if (RENAMED[name]) throw new Error(`arm '${name}' is now named ${RENAMED[name]}`);
  const arm = ARMS.find((a) => a.name === name);
  if (!arm) throw new Error(`unknown arm '${name}' (arms: ${ARMS.map((a) => a.name).join(', ')})`);
  return arm;
}

/** The model modules on top of the shared backbone: what the arm's objectives need, at default sizes. */
export function armModules(arm: Arm): Partial<ModelConfigInput> {
  return objectiveModules(arm.objectives, `arm ${arm.name}`);
}
