import * as fs from 'fs';
import * as path from 'path';
import { expect } from 'chai';
import { ExperimentConfigSchema } from '../../lib/run';
import { ModelConfigSchema } from '../../lib/models';

const DIR = 'experiments/configs';
/** The schema's defaults, with every module's own defaults (a module switched on at its default size). */
const DEFAULTS = {
  ...ExperimentConfigSchema.parse({ objectives: [{ name: 'clip' }], train: { steps: 1 } }),
  model: ModelConfigSchema.parse({ pixelDecoder: {}, mimTokens: {} }),
};

/** Paths under `value` whose leaf equals the default at the same path. */
function restated(value: unknown, defaults: unknown, at: string): string[] {
  if (value !== null && typeof value === 'object' && !Array.isArray(value) && defaults !== null && typeof defaults === 'object') {
    return Object.entries(value).flatMap(([k, v]) => restated(v, (defaults as Record<string, unknown>)[k], `${at}.${k}`));
  }
  return JSON.stringify(value) === JSON.stringify(defaults) ? [at] : [];
}

describe('experiment: presets state only what differs from the defaults', () => {
  it('finds a restated default (the check can fail)', () => {
    expect(restated({ model: { width: 128, depth: 3, pixelDecoder: { width: 64 } } }, DEFAULTS, 'x')).to.deep.equal(['x.model.width', 'x.model.pixelDecoder.width']);
  });

  for (const file of fs.readdirSync(DIR).filter((f) => f.endsWith('.json'))) {
    it(file, () => {
      const { data, model, train, objectives } = JSON.parse(fs.readFileSync(path.join(DIR, file), 'utf8'));
      const found = restated({ data, model, train }, DEFAULTS, file);
      found.push(...(objectives as { weight?: number }[]).flatMap((o, i) => (o.weight === 1 ? [`${file}.objectives[${i}].weight`] : [])));
      expect(found).to.deep.equal([]);
    });
  }
});
