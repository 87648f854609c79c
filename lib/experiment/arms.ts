/**
 * The arms of the compare-objectives study: each is a set of objectives and the model modules
 * they need, on the same backbone, data, steps, batch and seeds.
 */
import { ModelConfigInput } from '../models';
import { ObjectiveSpec } from '../objectives';
import { useFilesStatus } from '../pretrained';

export interface Arm {
  name: string;
  objectives: ObjectiveSpec[];
  /** Model modules on top of the shared backbone. */
  modules: Partial<ModelConfigInput>;
  /** What the arm stands for, for the report. */
  about: string;
}

const pixelDecoder = { width: 64, depth: 1, heads: 4 };

export const ARMS: Arm[] = [
  { name: 'clip', objectives: [{ name: 'clip' }], modules: {}, about: 'contrastive (InfoNCE)' },
  {
    name: 'siglip',
    objectives: [{ name: 'siglip' }],
    // SigLIP's reference init (t = 10, b = −10) is made for batches of thousands: at batch 32 it
    // collapses here to constant similarities within ~12 steps (loss 4.45 = log 32 + 31·log(32/31)).
    // Starting at the prior, b = −log(B − 1) with t = 1, it learns (measured; see the issue notes).
    modules: { logitBias: true, initLogitScale: 1, initLogitBias: -Math.log(31) },
    about: 'contrastive (sigmoid), small-batch init t = 1, b = −log 31',
  },
  { name: 'flip', objectives: [{ name: 'flip', dropRatio: 0.5 }], modules: {}, about: 'CLIP with 50 % patch dropout' },
  { name: 'mae', objectives: [{ name: 'mae', maskRatio: 0.75, normPix: true }], modules: { pixelDecoder }, about: 'image-only masked pixels (then a linear probe)' },
  {
    name: 'mlm+mae',
    objectives: [{ name: 'mlm' }, { name: 'mae', maskRatio: 0.75, normPix: true }],
    modules: { pixelDecoder, mlmHead: true },
    about: 'unimodal masking only',
  },
  {
    name: 'flava',
    objectives: [{ name: 'flava' }],
    modules: { fusion: { depth: 1 }, mlmHead: true, mimTokens: { codebookSize: 64 }, itmHead: true },
    about: 'MLM + MIM + MMM + ITM + contrastive',
  },
  {
    name: 'maskvlm',
    objectives: [{ name: 'maskvlm' }],
    modules: { cross: { depth: 1 }, pixelDecoder, mlmHead: true, itmHead: true },
    about: 'contrastive + ITM + cross-modal reconstruction',
  },
  {
    name: 'clip+mae',
    objectives: [{ name: 'clip' }, { name: 'mae', maskRatio: 0.75, normPix: true }],
    modules: { pixelDecoder },
    about: 'contrastive + masked pixels (Weers et al.)',
  },
  { name: 'm3ae', objectives: [{ name: 'm3ae' }], modules: { singleStream: true, pixelDecoder, mlmHead: true }, about: 'one stream, both modalities masked' },
  { name: 'caption', objectives: [{ name: 'caption' }], modules: { captionDecoder: { depth: 1 } }, about: 'CoCa-style captioning + contrastive' },
  {
    name: 'lit_use',
    objectives: [{ name: 'lit' }],
    modules: { textTower: { kind: 'use' } },
    about: 'image tower trained against frozen USE-lite sentence embeddings (needs MVLM_USE_DIR)',
  },
];

/** Arms that need files from outside the registry, with the check that says why they cannot run. */
export const ARM_REQUIREMENTS: Record<string, () => { ok: true } | { ok: false; reason: string }> = {
  lit_use: () => useFilesStatus(),
};

export function armByName(name: string): Arm {
  const arm = ARMS.find((a) => a.name === name);
  if (!arm) throw new Error(`unknown arm '${name}' (arms: ${ARMS.map((a) => a.name).join(', ')})`);
  return arm;
}
