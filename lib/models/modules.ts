/**
 * The optional modules an objective can ask of the model, and the config that switches each on at
 * its default size: error messages, bench configs, study arms and tests all read this one table.
 */
import type { ModelConfigInput } from './config';

/** Optional modules an objective can require; `requireModules` names the missing ones. */
export type ModuleName =
  | 'fusion'
  | 'cross'
  | 'singleStream'
  | 'pixelDecoder'
  | 'mimTokens'
  | 'mlmHead'
  | 'itmHead'
  | 'captionDecoder'
  | 'logitBias'
  | 'frozenText'
  | 'lm'
  | 'prefix'
  | 'qformer';

/** The model config entries that add each module (sizes not given are the schema defaults). */
export const MODULE_CONFIG: Record<ModuleName, Partial<ModelConfigInput>> = {
  fusion: { fusion: { depth: 1 } },
  cross: { cross: { depth: 1 } },
  singleStream: { singleStream: true },
  pixelDecoder: { pixelDecoder: {} },
  mimTokens: { mimTokens: {} },
  mlmHead: { mlmHead: true },
  itmHead: { itmHead: true },
  captionDecoder: { captionDecoder: { depth: 1 } },
  logitBias: { logitBias: true },
  frozenText: { textTower: { kind: 'use' } },
  lm: { lm: {} },
  prefix: { prefix: {} },
  qformer: { qformer: {} },
};

/** The ITM head scores a joint encoding: it sits on model.fusion unless model.cross is there. */
const ITM_BASE: ModuleName = 'fusion';

/** Model config entries that give a model every module in `needs`, each at its default size. */
export function modulesConfig(needs: readonly ModuleName[]): Partial<ModelConfigInput> {
  const all = new Set(needs);
  if (all.has('itmHead') && !all.has('cross')) all.add(ITM_BASE);
  return Object.assign({}, ...[...all].map((m) => MODULE_CONFIG[m]));
}

/** How a config switches `module` on, for error messages: `model.fusion: {"depth":1}`. */
export function moduleConfigHint(module: ModuleName): string {
  const entries = Object.entries(MODULE_CONFIG[module]).map(([k, v]) => `model.${k}: ${JSON.stringify(v)}`);
  return module === 'itmHead' ? `${entries.join(', ')} (with model.fusion or model.cross)` : entries.join(', ');
}
