/** Checks on notebook JSON (nbformat 4): imports use the public API, outputs hold pictures, no errors. */
import { readJsonFile } from '../../lib/io/json';

export interface NotebookCell {
  cell_type: string;
  source: string | string[];
  outputs?: { output_type: string; data?: Record<string, unknown>; ename?: string; evalue?: string }[];
}

export interface Notebook {
  nbformat: number;
  metadata: { kernelspec?: { name?: string } };
  cells: NotebookCell[];
}

export function readNotebook(file: string): Notebook {
  const nb = readJsonFile(file, 'notebook') as Notebook;
  if (nb.nbformat !== 4 || !Array.isArray(nb.cells)) throw new Error(`${file}: not an nbformat 4 notebook`);
  return nb;
}

export const sourceOf = (cell: NotebookCell): string => (Array.isArray(cell.source) ? cell.source.join('') : cell.source);

const codeCells = (nb: Notebook) => nb.cells.filter((c) => c.cell_type === 'code');

/** Module specifiers of every `import ... from 'x'`, `import 'x'`, `import('x')` and `require('x')` in code cells. */
export function importsOf(nb: Notebook): string[] {
  const found = new Set<string>();
  const patterns = [/\bfrom\s+['"]([^'"]+)['"]/g, /\bimport\s+['"]([^'"]+)['"]/g, /\b(?:require|import)\s*\(\s*['"]([^'"]+)['"]\s*\)/g];
  for (const cell of codeCells(nb)) {
    const src = sourceOf(cell);
    for (const re of patterns) for (const m of src.matchAll(re)) found.add(m[1]);
  }
  return [...found].sort();
}

/** Imports a user of the published package could not write: relative paths and mvlm internals. */
export function nonPublicImports(nb: Notebook): string[] {
  return importsOf(nb).filter((s) => s.startsWith('.') || s.startsWith('/') || /^mvlm\/(lib|dist)\b/.test(s) || /(^|\/)(lib|dist)\//.test(s));
}

/** Image outputs (PNG or SVG displays) in executed code cells. */
export function imageOutputCount(nb: Notebook): number {
  let n = 0;
  for (const cell of codeCells(nb)) {
    for (const out of cell.outputs ?? []) if (out.data && ('image/png' in out.data || 'image/svg+xml' in out.data)) n++;
  }
  return n;
}

/** `ename: evalue` of every error output. */
export function errorOutputs(nb: Notebook): string[] {
  return codeCells(nb).flatMap((c) => (c.outputs ?? []).filter((o) => o.output_type === 'error').map((o) => `${o.ename}: ${o.evalue}`));
}

/** Code cells that carry outputs or execution counts (committed notebooks are kept clean). */
export function cellsWithOutputs(nb: Notebook): number[] {
  return nb.cells.flatMap((c, i) => (c.cell_type === 'code' && ((c.outputs?.length ?? 0) > 0 || (c as { execution_count?: number | null }).execution_count) ? [i] : []));
}
