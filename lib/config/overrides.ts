/**
 * `--set a.b=value` overrides. The value is parsed as JSON when it parses (`3`, `1e-3`, `true`,
 * `[1,2]`, `"7"`), else taken as a string (`clip`). Path segments are object keys, or indices
 * into arrays (`objectives.0.weight=2`). Validation happens after, with the same schema as the file.
 */

export interface SetArg {
  /** Key path, e.g. ['model', 'width']. */
  path: string[];
  value: unknown;
  /** The argument as given, for error messages. */
  raw: string;
}

/** Parse `a.b=value`. */
export function parseSetArg(arg: string): SetArg {
  const eq = arg.indexOf('=');
  if (eq <= 0) throw new Error(`--set ${arg}: expected key.path=value`);
  const key = arg.slice(0, eq).trim();
  const path = key.split('.');
  if (path.some((s) => s === '')) throw new Error(`--set ${arg}: empty segment in key path "${key}"`);
  for (const s of path) {
    if (s === '__proto__' || s === 'constructor' || s === 'prototype') throw new Error(`--set ${arg}: key "${s}" is not allowed`);
  }
  const text = arg.slice(eq + 1);
  let value: unknown = text;
  try {
    value = JSON.parse(text);
  } catch {
    // Not JSON: a plain string.
  }
  return { path, value, raw: arg };
}

/** A deep copy of `obj` with every override applied in order (later ones win). */
export function applyOverrides<T>(obj: T, sets: (SetArg | string)[]): T {
  const out = structuredClone(obj) as unknown;
  if (out === null || typeof out !== 'object') throw new Error(`applyOverrides: the config must be an object, got ${describe(out)}`);
  for (const s of sets) {
    const set = typeof s === 'string' ? parseSetArg(s) : s;
    let node = out as Record<string, unknown>;
    set.path.forEach((seg, i) => {
      const last = i === set.path.length - 1;
      if (Array.isArray(node) && !/^\d+$/.test(seg)) {
        throw new Error(`--set ${set.raw}: ${set.path.slice(0, i).join('.')} is an array, "${seg}" is not an index`);
      }
      if (last) {
        node[seg] = set.value;
        return;
      }
      const child = node[seg];
      if (child === undefined) node[seg] = {};
      else if (child === null || typeof child !== 'object') {
        throw new Error(`--set ${set.raw}: ${set.path.slice(0, i + 1).join('.')} is ${describe(child)}, not an object`);
      }
      node = node[seg] as Record<string, unknown>;
    });
  }
  return out as T;
}

/** `a number (3)`, `a string ("x")`, `null`, `an array`, ... for messages. */
export function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `a string (${JSON.stringify(v)})`;
  if (typeof v === 'object') return 'an object';
  return `a ${typeof v} (${String(v)})`;
}
