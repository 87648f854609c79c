/**
 * Loading configs: JSON files (`experiments/configs/*.json`), by preset name or path, with
 * `--set` overrides, validated in one pass so each problem names the file or the `--set` it came from.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { z } from 'zod';
import { packageRoot } from '../version';
import { applyOverrides, parseSetArg, SetArg } from './overrides';
import { KeyPath, validateConfig } from './validate';

/** Where presets live: `experiments/configs` of the mvlm package (not of the working directory). */
export const CONFIG_DIR = path.join(packageRoot(), 'experiments', 'configs');

/** Parse a JSON config file; syntax errors name the file, line and column. */
export function loadConfigFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`config ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    const msg = (e as Error).message;
    const pos = /position (\d+)/.exec(msg);
    if (pos) {
      const before = text.slice(0, Number(pos[1])).split('\n');
      throw new Error(`${file}:${before.length}:${before[before.length - 1].length + 1}: invalid JSON (${msg})`);
    }
    throw new Error(`${file}: invalid JSON (${msg})`);
  }
}

/** `clip` -> `experiments/configs/clip.json` if it exists; anything with a slash or `.json` is a path. */
export function resolveConfigPath(nameOrPath: string, dir = CONFIG_DIR): string {
  if (nameOrPath.includes('/') || nameOrPath.includes(path.sep) || nameOrPath.endsWith('.json')) return nameOrPath;
  const file = path.join(dir, `${nameOrPath}.json`);
  if (!fs.existsSync(file)) {
    throw new Error(`no config preset "${nameOrPath}" in ${dir} (have: ${presetNames(dir).join(', ') || 'none'})`);
  }
  return file;
}

export interface PresetInfo {
  name: string;
  /** The first sentence of the preset's `description`. */
  description: string;
}

/** The presets in `dir`, by name, each with the first sentence of its description. */
export function listPresets(dir = CONFIG_DIR): PresetInfo[] {
  return presetNames(dir).map((name) => {
    const config = loadConfigFile(path.join(dir, `${name}.json`)) as { description?: unknown };
    const text = typeof config.description === 'string' ? config.description : '';
    return { name, description: /^.*?[.!?](?=\s|$)/.exec(text)?.[0] ?? text };
  });
}

function presetNames(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
}

/** Load, override and validate a config. Errors name `--set <arg>` for overridden keys, else the file. */
export function loadConfig<S extends z.ZodType>(
  schema: S,
  nameOrPath: string,
  sets: string[] = [],
  dir = CONFIG_DIR,
): { config: z.output<S>; file: string } {
  const file = resolveConfigPath(nameOrPath, dir);
  const parsed: SetArg[] = sets.map(parseSetArg);
  const raw = applyOverrides(loadConfigFile(file), parsed);
  const source = (p: KeyPath) => {
    const key = p.map(String);
    // The last override whose key path is a prefix of the problem's path set that value.
    const hit = [...parsed].reverse().find((s) => s.path.length <= key.length && s.path.every((seg, i) => seg === key[i]));
    return hit ? `--set ${hit.raw}` : file;
  };
  return { config: validateConfig(schema, raw, source), file };
}
