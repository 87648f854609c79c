/**
 * Parsing JSON and JSONL text so that every failure names the source (and line:column where the
 * text is at fault); no file access, so the browser entry can use it too (./json.ts reads files).
 * A UTF-8 byte-order mark at the start is skipped: editors on Windows write one and JSON.parse
 * reports it as an invisible "unexpected token".
 * JSON.parse does the parsing; only when it fails does jsonc-parser (strict mode) locate the error,
 * because V8's messages carry a position for some errors and not for others.
 */
import { ParseError, parse as locateParse, printParseErrorCode } from 'jsonc-parser';

const BOM = '\ufeff';

/** A JSON syntax error at `file:line:column`. */
export class JsonSyntaxError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    readonly reason: string,
  ) {
    super(`${file}:${line}:${column}: invalid JSON (${reason})`);
    this.name = 'JsonSyntaxError';
  }
}

export function stripBom(text: string): string {
  return text.startsWith(BOM) ? text.slice(1) : text;
}

/** 1-based line and column of `offset` in `text`. */
export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

/** The first syntax error in `text`: its offset and a readable reason. */
function locate(text: string, fallback: string): { offset: number; reason: string } {
  const errors: ParseError[] = [];
  locateParse(text, errors, { disallowComments: true, allowTrailingComma: false, allowEmptyContent: false });
  if (errors.length === 0) return { offset: 0, reason: fallback };
  const e = errors[0];
  const reason = printParseErrorCode(e.error).replace(/([a-z])([A-Z])/g, '$1 $2').toLowerCase();
  return { offset: e.offset, reason: text.trim() === '' ? 'empty' : reason };
}

/**
 * Parse JSON text that came from `file` (a BOM is skipped). `firstLine` numbers the text's first
 * line (a JSONL line passes its own number).
 */
export function parseJson(text: string, file: string, firstLine = 1): unknown {
  const body = stripBom(text);
  try {
    return JSON.parse(body);
  } catch (e) {
    const { offset, reason } = locate(body, (e as Error).message);
    const { line, column } = lineColumn(body, offset);
    throw new JsonSyntaxError(file, firstLine + line - 1, column, reason);
  }
}

/** One non-blank line of a JSONL file. */
export interface JsonLine {
  /** 1-based line number in the file. */
  line: number;
  text: string;
}

/** The non-blank lines of JSONL text (a BOM at the start is skipped). */
export function jsonLines(text: string): JsonLine[] {
  const out: JsonLine[] = [];
  stripBom(text)
    .split(/\r?\n/)
    .forEach((t, i) => {
      if (t.trim() !== '') out.push({ line: i + 1, text: t });
    });
  return out;
}
