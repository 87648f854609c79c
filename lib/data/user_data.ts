/**
 * Shared by `jsonl:` and `coco:`: validate parsed entries, decode their images once per process,
 * and either fail on the first bad item (naming file and line) or, with `skipBad`, drop bad items
 * and list them all in `skipped`. Nothing is dropped silently.
 */
import * as fs from 'fs';
import { mapLimit } from './cache';
import { decodeImage } from './image';
import { StoredItem, hashSplit } from './stored';
import { SkippedItem, Split } from './types';

/** Percentage of user items in test when the data does not say. */
export const USER_TEST_PERCENT = 10;

export interface UserEntry {
  file: string;
  line: number;
  id: string;
  imagePath: string;
  captions: string[];
  label?: string | number;
  split?: Split;
}

/** An entry or why it is bad. */
export type Parsed = UserEntry | SkippedItem;

export const isBad = (p: Parsed): p is SkippedItem => 'reason' in p;

export function badInputError(bad: SkippedItem[]): Error {
  const first = bad[0];
  const more = bad.length > 1 ? ` (and ${bad.length - 1} more bad item${bad.length > 2 ? 's' : ''})` : '';
  return new Error(`${first.file}:${first.line}: ${first.reason}${more}; pass skipBad (CLI --skip-bad) to skip bad items`);
}

/** Captions from a string or array field; a reason string when missing or empty. */
export function readCaptions(caption: unknown, captions: unknown): string[] | string {
  const list = captions !== undefined ? captions : caption !== undefined ? [caption] : undefined;
  if (list === undefined) return 'no "caption" or "captions" field';
  if (!Array.isArray(list) || list.length === 0) return '"captions" must be a non-empty array of strings';
  for (const c of list) {
    if (typeof c !== 'string') return `caption ${JSON.stringify(c)} is not a string`;
    if (c.trim() === '') return 'empty caption';
  }
  return list as string[];
}

/** Class names for string labels (sorted), or undefined for integer labels / no labels. */
function labelClasses(entries: UserEntry[], bad: SkippedItem[]): { classNames?: string[]; ok: UserEntry[] } {
  const strings = entries.some((e) => typeof e.label === 'string');
  const ok: UserEntry[] = [];
  for (const e of entries) {
    const valid = e.label === undefined || (strings ? typeof e.label === 'string' : Number.isInteger(e.label) && (e.label as number) >= 0);
    if (valid) ok.push(e);
    else bad.push({ file: e.file, line: e.line, reason: `label ${JSON.stringify(e.label)} must be ${strings ? 'a class name string like the other labels' : 'a non-negative integer or a class name'}` });
  }
  if (!strings) return { ok };
  return { ok, classNames: [...new Set(ok.map((e) => e.label).filter((l): l is string => typeof l === 'string'))].sort() };
}

export interface DecodedUserData {
  items: StoredItem[];
  classNames?: string[];
  skipped: SkippedItem[];
}

export async function decodeUserData(parsed: Parsed[], size: number, skipBad: boolean): Promise<DecodedUserData> {
  const bad = parsed.filter(isBad);
  const { ok, classNames } = labelClasses(parsed.filter((p): p is UserEntry => !isBad(p)), bad);
  const byLine = (a: SkippedItem, b: SkippedItem) => a.line - b.line;
  if (bad.length > 0 && !skipBad) throw badInputError(bad.sort(byLine));
  const decoded = await mapLimit(ok, 8, async (e) => {
    if (!fs.existsSync(e.imagePath)) return `image not found: ${e.imagePath}`;
    try {
      return await decodeImage(e.imagePath, size);
    } catch (err) {
      return `cannot decode image ${e.imagePath}: ${(err as Error).message}`;
    }
  });
  const items: StoredItem[] = [];
  decoded.forEach((d, i) => {
    const e = ok[i];
    if (typeof d === 'string') {
      bad.push({ file: e.file, line: e.line, reason: d });
      return;
    }
    const label = typeof e.label === 'string' ? classNames!.indexOf(e.label) : e.label;
    items.push({
      meta: { id: e.id, captions: e.captions, label, attributes: { source: `${e.file}:${e.line}`, image: e.imagePath } },
      pixels: d,
      split: e.split ?? hashSplit(e.id, USER_TEST_PERCENT),
    });
  });
  bad.sort(byLine);
  if (bad.length > 0 && !skipBad) throw badInputError(bad);
  if (items.length === 0) throw new Error(`${parsed[0]?.file ?? 'user data'}: no usable items${bad.length ? ` (${bad.length} bad items skipped)` : ''}`);
  return { items, classNames, skipped: bad };
}

/** A one-line-per-item summary of what `skipBad` dropped. */
export function skippedSummary(skipped: SkippedItem[], max = 10): string {
  if (skipped.length === 0) return '';
  const lines = skipped.slice(0, max).map((s) => `  ${s.file}:${s.line}: ${s.reason}`);
  if (skipped.length > max) lines.push(`  ... and ${skipped.length - max} more`);
  return `skipped ${skipped.length} bad item${skipped.length > 1 ? 's' : ''}:\n${lines.join('\n')}`;
}
