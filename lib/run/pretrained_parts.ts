/**
 * Parts of a model loaded from other runs before training, and frozen: the LM of `model.lm.checkpoint`
 * (its `lm.*` tensors; the run then uses that checkpoint's tokenizer, so ids agree) and the image
 * tower of `model.imageFrom` (its `image.*` tensors). Any mvlm checkpoint with those names works,
 * e.g. a MAE or CLIP run for the image tower, a `lm` run (or a larger LM saved under the same
 * names, see the README) for the LM.
 */
import { SubwordTokenizer } from '../data';
import { LM_PREFIX, ModelConfig, VisionLanguageModel } from '../models';
import { disposeCheckpoint, loadCheckpoint } from '../train';
import { checkpointTokenizer, resolveCheckpoint } from './checkpoint_dir';
import { ExperimentConfig } from './config';

export const IMAGE_PREFIX = 'image.';

/** Model settings that must agree for a pretrained part's tensors to mean the same thing here. */
const SAME_SETTINGS: Record<string, readonly (keyof ModelConfig)[]> = {
  [IMAGE_PREFIX]: ['imageSize', 'patchSize', 'channels', 'width', 'depth', 'heads', 'mlpRatio', 'imagePositions', 'imagePooling', 'shareCore', 'singleStream'],
  [LM_PREFIX]: ['mlpRatio'],
};

/** The LM checkpoint's tokenizer, when `model.lm.checkpoint` is set. */
export function pretrainedTokenizer(config: ExperimentConfig): SubwordTokenizer | undefined {
  const from = config.model.lm?.checkpoint;
  return from ? checkpointTokenizer(resolveCheckpoint(from)) : undefined;
}

/** Copy every `prefix*` tensor of the checkpoint at `from` into `model` and freeze them; returns how many. */
function loadPart(model: VisionLanguageModel, from: string, prefix: string, configKey: string): number {
  const dir = resolveCheckpoint(from);
  const ck = loadCheckpoint(dir);
  try {
    const theirs = (ck.state.config as { model?: Record<string, unknown> } | undefined)?.model ?? {};
    const ours = model.cfg as unknown as Record<string, unknown>;
    const differ = (SAME_SETTINGS[prefix] ?? []).filter((k) => k in theirs && JSON.stringify(theirs[k]) !== JSON.stringify(ours[k]));
    if (differ.length) {
      throw new Error(`${configKey} = ${from}: its model differs from this one in ${differ.map((k) => `model.${k} (${JSON.stringify(theirs[k])} there, ${JSON.stringify(ours[k])} here)`).join(', ')}`);
    }
    const mine = model.store.list().filter((p) => p.name.startsWith(prefix));
    if (mine.length === 0) throw new Error(`${configKey}: this model has no ${prefix}* params to load`);
    for (const p of mine) {
      const t = ck.model.get(p.name);
      if (!t) throw new Error(`${configKey} = ${from}: ${dir} has no tensor '${p.name}' (it holds ${[...ck.model.keys()].filter((k) => k.startsWith(prefix)).length} ${prefix}* tensors)`);
      if (t.shape.join(',') !== p.variable.shape.join(',')) {
        throw new Error(`${configKey} = ${from}: '${p.name}' is [${t.shape}] in ${dir} but [${p.variable.shape}] in this model`);
      }
      p.variable.assign(t);
    }
    model.store.setTrainable(prefix, false);
    return mine.length;
  } finally {
    disposeCheckpoint(ck);
  }
}

/** Load (and freeze) the configured pretrained parts; says what it loaded on `log`. */
export function loadPretrainedParts(model: VisionLanguageModel, config: ExperimentConfig, log: (msg: string) => void = console.error): void {
  const lmFrom = config.model.lm?.checkpoint;
  if (lmFrom) log(`lm: loaded ${loadPart(model, lmFrom, LM_PREFIX, 'model.lm.checkpoint')} frozen tensors from ${lmFrom}`);
  const imageFrom = config.model.imageFrom;
  if (imageFrom) {
    if (config.model.shareCore) throw new Error('model.imageFrom: the image tower shares its core with the text tower (model.shareCore); a frozen image tower needs its own');
    log(`image tower: loaded ${loadPart(model, imageFrom, IMAGE_PREFIX, 'model.imageFrom')} frozen tensors from ${imageFrom}`);
  }
}
