import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { z } from 'zod';
import { applyOverrides, CONFIG_DIR, ConfigError, listPresets, loadConfig, loadConfigFile, parseSetArg, resolveConfigPath, validateConfig } from '../../lib/config';

const schema = z.strictObject({
  name: z.string(),
  model: z.strictObject({ width: z.number().int().positive(), depth: z.number().int().default(2), pool: z.enum(['cls', 'mean']).default('cls') }),
  objectives: z.array(z.strictObject({ name: z.string(), weight: z.number().default(1) })),
  train: z.strictObject({ steps: z.number(), lr: z.number().optional() }).default({ steps: 60 }),
});

function errorOf(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    return e as Error;
  }
  throw new Error('expected an error');
}

describe('config/overrides', () => {
  it('parseSetArg parses JSON values when they parse, else keeps the string', () => {
    expect(parseSetArg('model.width=256')).to.deep.include({ path: ['model', 'width'], value: 256 });
    expect(parseSetArg('train.lr=1e-3').value).to.equal(0.001);
    expect(parseSetArg('a=true').value).to.equal(true);
    expect(parseSetArg('a=[1,2]').value).to.deep.equal([1, 2]);
    expect(parseSetArg('a="7"').value).to.equal('7');
    expect(parseSetArg('name=clip').value).to.equal('clip');
    expect(parseSetArg('name=a=b').value).to.equal('a=b');
    expect(parseSetArg('name=').value).to.equal('');
    expect(() => parseSetArg('model.width')).to.throw(/key.path=value/);
    expect(() => parseSetArg('model..width=1')).to.throw(/empty segment/);
    expect(() => parseSetArg('__proto__.x=1')).to.throw(/not allowed/);
  });

  it('applyOverrides sets nested keys and array items on a copy', () => {
    const base = { model: { width: 128 }, objectives: [{ name: 'clip', weight: 1 }] };
    const out = applyOverrides(base, ['model.width=64', 'objectives.0.weight=0.5', 'train.steps=10']);
    expect(out).to.deep.equal({ model: { width: 64 }, objectives: [{ name: 'clip', weight: 0.5 }], train: { steps: 10 } });
    expect(base.model.width).to.equal(128);
    expect(() => applyOverrides(base, ['model.width.x=1'])).to.throw(/model.width is a number \(128\), not an object/);
    expect(() => applyOverrides(base, ['objectives.first=1'])).to.throw(/objectives is an array/);
  });
});

describe('config/validate', () => {
  const good = { name: 'clip', model: { width: 128 }, objectives: [{ name: 'clip' }] };

  it('fills defaults on a valid config', () => {
    const c = validateConfig(schema, good, 'clip.json');
    expect(c.model).to.deep.equal({ width: 128, depth: 2, pool: 'cls' });
    expect(c.train).to.deep.equal({ steps: 60 });
    expect(c.objectives[0].weight).to.equal(1);
  });

  it('names the key path, the expected and actual types, and the source', () => {
    const err = errorOf(() => validateConfig(schema, { ...good, model: { width: 'wide' } }, 'experiments/configs/clip.json'));
    expect(err).to.be.instanceOf(ConfigError);
    expect(err.message).to.contain('model.width: expected number, got string "wide" (in experiments/configs/clip.json)');
  });

  it('rejects unknown keys at any depth, listing the allowed ones', () => {
    const err = errorOf(() => validateConfig(schema, { ...good, model: { width: 1, widht: 2 }, objectives: [{ name: 'mae', ratio: 0.7 }], extra: 1 }, 'x.json'));
    const problems = (err as ConfigError).problems;
    expect(problems).to.include('model.widht: unknown key (allowed: width, depth, pool) (in x.json)');
    expect(problems).to.include('objectives.0.ratio: unknown key (allowed: name, weight) (in x.json)');
    expect(problems.some((p) => p.startsWith('extra: unknown key (allowed: name, model, objectives, train)'))).to.equal(true);
  });

  it('reports missing keys and bad enum values with their paths', () => {
    const err = errorOf(() => validateConfig(schema, { name: 'x', model: { width: 2, pool: 'max' } }, 'y.json'));
    expect(err.message).to.contain('objectives: expected array, got nothing (missing key) (in y.json)');
    expect(err.message).to.match(/model\.pool: .*"cls".*"mean".* \(in y\.json\)/);
  });
});

describe('config/load', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-config-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('loads a preset by name, applies --set, and blames the --set or the file', () => {
    fs.writeFileSync(path.join(dir, 'clip.json'), JSON.stringify({ name: 'clip', model: { width: 128, depht: 2 }, objectives: [{ name: 'clip' }] }));
    expect(resolveConfigPath('clip', dir)).to.equal(path.join(dir, 'clip.json'));
    expect(() => resolveConfigPath('nope', dir)).to.throw(/no config preset "nope" .*have: clip/);
    const err = errorOf(() => loadConfig(schema, 'clip', ['model.width=abc'], dir));
    expect(err.message).to.contain('model.width: expected number, got string "abc" (in --set model.width=abc)');
    expect(err.message).to.contain(`model.depht: unknown key (allowed: width, depth, pool) (in ${path.join(dir, 'clip.json')})`);
    fs.writeFileSync(path.join(dir, 'ok.json'), JSON.stringify({ name: 'ok', model: { width: 8 }, objectives: [] }));
    const { config } = loadConfig(schema, path.join(dir, 'ok.json'), ['model.width=16', 'train.steps=5']);
    expect(config.model.width).to.equal(16);
    expect(config.train).to.deep.equal({ steps: 5 });
  });

  it("finds presets in the package's experiments/configs, whatever the working directory", () => {
    const repoConfigs = path.resolve(__dirname, '..', '..', 'experiments', 'configs');
    expect(CONFIG_DIR).to.equal(repoConfigs);
    const cwd = process.cwd();
    process.chdir(os.tmpdir());
    try {
      expect(resolveConfigPath('clip')).to.equal(path.join(repoConfigs, 'clip.json'));
      expect(resolveConfigPath('./my.json'), 'a path is used as given').to.equal('./my.json');
    } finally {
      process.chdir(cwd);
    }
  });

  it('lists presets by name with the first sentence of their description', () => {
    const presets = fs.mkdtempSync(path.join(dir, 'presets-'));
    fs.writeFileSync(path.join(presets, 'b.json'), JSON.stringify({ description: 'Second: loss 4.45 at batch 32. Run: npx mvlm train --config b' }));
    fs.writeFileSync(path.join(presets, 'a.json'), JSON.stringify({ description: 'First one' }));
    fs.writeFileSync(path.join(presets, 'c.json'), JSON.stringify({ name: 'no description' }));
    fs.writeFileSync(path.join(presets, 'notes.txt'), 'not a preset');
    expect(listPresets(presets)).to.deep.equal([
      { name: 'a', description: 'First one' },
      { name: 'b', description: 'Second: loss 4.45 at batch 32.' },
      { name: 'c', description: '' },
    ]);
    const shipped = listPresets().map((p) => p.name);
    expect(shipped).to.include.members(['clip', 'mae', 'flava', 'siglip']);
    expect(listPresets().every((p) => p.description.length > 0), 'every shipped preset has a description').to.equal(true);
  });

  it('names the file, line and column of a JSON syntax error', () => {
    const file = path.join(dir, 'bad.json');
    fs.writeFileSync(file, '{\n  "name": "x",\n  "model": { "width": 1, }\n}\n');
    expect(() => loadConfigFile(file)).to.throw(new RegExp(`${file.replace(/[.]/g, '\\.')}:3:\\d+: invalid JSON`));
    expect(() => loadConfigFile(path.join(dir, 'missing.json'))).to.throw(/cannot read \(ENOENT\)/);
  });
});
