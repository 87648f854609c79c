/**
 * Config validation with zod 4: strict objects (unknown keys rejected), types checked, and every
 * problem reported with the key path and where the value came from:
 *   `model.width: expected number, got string "wide" (in experiments/configs/clip.json)`.
 */
import { z } from 'zod';

export type KeyPath = (string | number)[];
/** Where a value came from: a file name, or a function of the key path (file vs `--set`). */
export type ConfigSource = string | ((path: KeyPath) => string);

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`invalid config:\n${problems.map((p) => `  ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parse `raw` with `schema`; throws ConfigError listing every problem. Returns the parsed value (defaults filled). */
export function validateConfig<S extends z.ZodType>(schema: S, raw: unknown, source: ConfigSource): z.output<S> {
  const result = schema.safeParse(raw);
  if (result.success) return result.data;
  const where = (p: KeyPath) => (typeof source === 'string' ? source : source(p));
  const problems: string[] = [];
  for (const issue of result.error.issues) {
    const path = issue.path.filter((k): k is string | number => typeof k !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      const allowed = allowedKeys(schema, path);
      for (const key of issue.keys) {
        const hint = allowed ? ` (allowed: ${allowed.join(', ')})` : '';
        problems.push(`${fmt([...path, key])}: unknown key${hint} (in ${where([...path, key])})`);
      }
    } else if (issue.code === 'invalid_type') {
      const value = valueAt(raw, path);
      const got = value === undefined ? 'nothing (missing key)' : typeName(value);
      problems.push(`${fmt(path)}: expected ${issue.expected}, got ${got} (in ${where(path)})`);
    } else {
      problems.push(`${fmt(path)}: ${issue.message} (in ${where(path)})`);
    }
  }
  throw new ConfigError(problems);
}

function fmt(path: KeyPath): string {
  return path.length === 0 ? '(root)' : path.join('.');
}

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  if (typeof v === 'string') return `string ${JSON.stringify(v)}`;
  if (typeof v === 'object') return 'object';
  return `${typeof v} ${String(v)}`;
}

function valueAt(raw: unknown, path: KeyPath): unknown {
  let node = raw;
  for (const k of path) {
    if (node === null || typeof node !== 'object') return undefined;
    node = (node as Record<string | number, unknown>)[k];
  }
  return node;
}

/** Keys of the object schema at `path` (best effort through wrappers), for "allowed:" hints. */
function allowedKeys(schema: z.ZodType, path: KeyPath): string[] | null {
  let s: unknown = schema;
  for (let i = 0; i <= path.length; i++) {
    s = unwrap(s);
    const def = defOf(s);
    if (!def) return null;
    if (i === path.length) return def.type === 'object' ? Object.keys(def.shape as object) : null;
    const k = path[i];
    if (def.type === 'object') s = (def.shape as Record<string, unknown>)[k];
    else if (def.type === 'array') s = def.element;
    else if (def.type === 'tuple') s = (def.items as unknown[])[Number(k)];
    else if (def.type === 'record') s = def.valueType;
    else return null;
  }
  return null;
}

function defOf(s: unknown): Record<string, unknown> | null {
  return (s as { _zod?: { def?: Record<string, unknown> } })?._zod?.def ?? null;
}

function unwrap(s: unknown): unknown {
  for (let def = defOf(s); def; def = defOf(s)) {
    if (['optional', 'nullable', 'default', 'prefault', 'readonly', 'catch', 'nonoptional'].includes(def.type as string)) s = def.innerType;
    else if (def.type === 'pipe') s = def.in;
    else if (def.type === 'lazy') s = (def.getter as () => unknown)();
    else break;
  }
  return s;
}
