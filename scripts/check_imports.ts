/**
 * The import graph of lib/: no cycles between files, and every arrow between lib/ folders points
 * down the layer table below (folders on one row may not import each other).
 *   npm run check:imports        (exits 1 and names each offending import)
 */
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

/** Top to bottom; a folder (or top-level file, without `.ts`) may import only rows below its own. */
export const LAYERS: string[][] = [
  ['index', 'cli'],
  ['commands'],
  ['site'],
  ['browser'],
  ['queue'],
  ['compare', 'interop'],
  ['run'],
  ['bench'],
  ['parallel', 'report', 'notebook', 'generate'],
  ['train', 'objectives', 'stats'],
  ['models', 'eval'],
  ['heads', 'losses', 'masking', 'pretrained', 'caption'],
  ['core', 'data'],
  ['config'],
  ['version'],
  ['backend', 'io', 'random'],
];

/** lib/ files by path relative to the repo, each with the lib/ files it imports (resolved, `.ts`). */
export type ImportGraph = Map<string, string[]>;

export function resolveLocal(from: string, spec: string, exists: (f: string) => boolean): string | undefined {
  if (!spec.startsWith('.')) return undefined;
  const base = path.join(path.dirname(from), spec);
  return [`${base}.ts`, path.join(base, 'index.ts')].find(exists);
}

/** Static imports, re-exports and `require('…')` of every .ts file under `root`. */
export function importGraph(root = 'lib'): ImportGraph {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) files.push(p);
    }
  };
  walk(root);
  const known = new Set(files);
  const graph: ImportGraph = new Map();
  for (const f of files) {
    const info = ts.preProcessFile(fs.readFileSync(f, 'utf8'), true, true);
    const targets = info.importedFiles.map((i) => resolveLocal(f, i.fileName, (c) => known.has(c))).filter((t): t is string => t !== undefined);
    graph.set(f, [...new Set(targets)]);
  }
  return graph;
}

/** The lib/ folder (or top-level file without `.ts`) a file belongs to. */
export function room(file: string): string {
  const parts = file.split(/[\\/]/);
  return parts.length > 2 ? parts[1] : parts[1].replace(/\.ts$/, '');
}

/** Imports that run up (or sideways) the layer table, and rooms missing from it. */
export function upwardArrows(graph: ImportGraph, layers = LAYERS): string[] {
  const rank = new Map<string, number>();
  layers.forEach((row, i) => row.forEach((r) => rank.set(r, i)));
  const problems: string[] = [];
  for (const [from, targets] of graph) {
    const a = room(from);
    if (!rank.has(a)) problems.push(`${from}: lib/${a} is not in the layer table (scripts/check_imports.ts LAYERS)`);
    for (const to of targets) {
      const b = room(to);
      if (a === b || !rank.has(a) || !rank.has(b)) continue;
      if (rank.get(b)! <= rank.get(a)!) problems.push(`${from} imports ${to}: lib/${b} is not below lib/${a}`);
    }
  }
  return problems;
}

/** Every import cycle between files, each as its files in order (Tarjan's strongly connected components). */
export function importCycles(graph: ImportGraph): string[][] {
  let next = 0;
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string) => {
    index.set(v, next);
    low.set(v, next++);
    stack.push(v);
    onStack.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const scc: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      scc.push(w);
    } while (w !== v);
    if (scc.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(scc.reverse());
  };
  for (const v of [...graph.keys()].sort()) if (!index.has(v)) visit(v);
  return cycles;
}

if (require.main === module) {
  const graph = importGraph();
  const arrows = upwardArrows(graph);
  const cycles = importCycles(graph);
  for (const a of arrows) console.log(`upward: ${a}`);
  for (const c of cycles) console.log(`cycle: ${c.join(' -> ')} -> ${c[0]}`);
  const edges = [...graph.values()].reduce((n, t) => n + t.length, 0);
  console.log(`${graph.size} files, ${edges} imports: ${arrows.length} upward, ${cycles.length} cycles`);
  process.exitCode = arrows.length + cycles.length > 0 ? 1 : 0;
}
