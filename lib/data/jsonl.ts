/**
 * `jsonl:PATH`: one JSON object per line, `{"image": "a.png", "caption": "..."}` or `"captions":
 * [...]`, optional `"label"` (integer or class name), `"id"` and `"split"` ("train" | "test";
 * without it a fixed hash of the id puts 10 % in test). Image paths are relative to the file.
 * Blank lines are not items.
 */
import * as fs from 'fs';
import * as path from 'path';
import { memoise } from './cache';
import { storedDataset } from './stored';
import { Dataset, LoadOptions } from './types';
import { DecodedUserData, Parsed, decodeUserData, readCaptions } from './user_data';
import { JsonSyntaxError, jsonLines, parseJson, readTextFile } from '../io/json';

function parseLine(file: string, line: number, text: string): Parsed {
  const bad = (reason: string) => ({ file, line, reason });
  let obj: unknown;
  try {
    obj = parseJson(text, file, line);
  } catch (e) {
    if (e instanceof JsonSyntaxError) return bad(`not valid JSON at column ${e.column}: ${e.reason}`);
    throw e;
  }
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj)) return bad('expected a JSON object');
  const o = obj as Record<string, unknown>;
  if (typeof o.image !== 'string' || o.image === '') return bad('no "image" path');
  const captions = readCaptions(o.caption, o.captions);
  if (typeof captions === 'string') return bad(captions);
  if (o.split !== undefined && o.split !== 'train' && o.split !== 'test') return bad(`"split" must be "train" or "test", got ${JSON.stringify(o.split)}`);
  if (o.label !== undefined && typeof o.label !== 'string' && typeof o.label !== 'number') return bad(`label ${JSON.stringify(o.label)} must be an integer or a string`);
  if (o.id !== undefined && typeof o.id !== 'string' && typeof o.id !== 'number') return bad('"id" must be a string or number');
  return {
    file,
    line,
    id: o.id !== undefined ? String(o.id) : o.image,
    imagePath: path.resolve(path.dirname(file), o.image),
    captions,
    label: o.label as string | number | undefined,
    split: o.split as 'train' | 'test' | undefined,
  };
}

function decodeJsonl(file: string, size: number, skipBad: boolean): Promise<DecodedUserData> {
  if (!fs.existsSync(file)) throw new Error(`jsonl: file not found: ${file}`);
  const stamp = fs.statSync(file).mtimeMs;
  return memoise(`jsonl:${path.resolve(file)}:${stamp}:${size}:${skipBad}`, async () => {
    const parsed = jsonLines(readTextFile(file, 'jsonl')).map((l) => parseLine(file, l.line, l.text));
    if (parsed.length === 0) throw new Error(`${file}: no items (the file is empty)`);
    return decodeUserData(parsed, size, skipBad);
  });
}

export async function loadJsonl(file: string, opts: Required<Pick<LoadOptions, 'split' | 'imageSize'>> & LoadOptions): Promise<Dataset> {
  const data = await decodeJsonl(file, opts.imageSize, opts.skipBad ?? false);
  return storedDataset({ name: `jsonl:${file}`, split: opts.split, imageSize: opts.imageSize, ...data, size: opts.size });
}
