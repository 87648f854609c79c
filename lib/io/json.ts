/**
 * Reading JSON and JSONL files so that every failure names the file (and line:column where the
 * text is at fault); the parsing itself (BOM skipped, errors located) is ./json_text.ts.
 */
import * as fs from 'fs';
import { jsonLines, parseJson } from './json_text';

export { JsonSyntaxError, jsonLines, lineColumn, parseJson, stripBom } from './json_text';
export type { JsonLine } from './json_text';

/** Read a whole file as UTF-8; a failure names the file and what it was (`what`, e.g. "checkpoint state"). */
export function readTextFile(file: string, what = 'file'): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'ENOENT: no such file' : code ?? (e as Error).message;
    throw new Error(`${what} ${file}: cannot read (${why})`);
  }
}

/** Parsed contents of a JSON file; every error names `file`. */
export function readJsonFile(file: string, what = 'JSON file'): unknown {
  return parseJson(readTextFile(file, what), file);
}

/** Every value of a JSONL file; a bad line throws `file:line:column: invalid JSON (...)`. */
export function readJsonLinesFile(file: string, what = 'JSONL file'): unknown[] {
  return jsonLines(readTextFile(file, what)).map((l) => parseJson(l.text, file, l.line));
}
