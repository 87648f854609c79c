/**
 * `emoji:google` / `emoji:twitter`: the 64 px PNGs of emoji-datasource-<style> with captions from
 * the English CLDR label and keywords of emojibase-data. Split by base emoji (skin-tone variants go
 * with their base), so no emoji is in both splits; ids are the code points, equal across styles.
 */
import * as fs from 'fs';
import * as path from 'path';
import { mapLimit, memoise, readPixelCache, writePixelCache } from './cache';
import { decodeImage } from './image';
import { packageDir } from './require_package';
import { StoredItem, hashSplit, storedDataset } from './stored';
import { Dataset, ItemMeta, LoadOptions, Split } from './types';
import { readJsonFile } from '../io/json';

export const EMOJI_STYLES = ['google', 'twitter'] as const;
export type EmojiStyle = (typeof EMOJI_STYLES)[number];

/** Percentage of base emoji in the test split. */
export const EMOJI_TEST_PERCENT = 15;

/** The 9 emoji-datasource categories used as classes ("Component" swatches are left out). */
export const EMOJI_CATEGORIES = [
  'Smileys & Emotion',
  'People & Body',
  'Animals & Nature',
  'Food & Drink',
  'Travel & Places',
  'Activities',
  'Objects',
  'Symbols',
  'Flags',
];

interface SourceEmoji {
  unified: string;
  image: string;
  category: string;
  subcategory: string;
  sort_order: number;
  skin_variations?: Record<string, { unified: string; image: string }>;
}

interface CldrEmoji {
  hexcode: string;
  label: string;
  tags?: string[];
  skins?: CldrEmoji[];
}

interface EmojiEntry {
  meta: ItemMeta;
  file: string;
  split: Split;
}

const stripFe0f = (hex: string) => hex.toUpperCase().replace(/-FE0F/g, '');

/** CLDR label and tags by code points (FE0F ignored); skin variants inherit their base's tags. */
function readCldr(): Map<string, { label: string; tags: string[] }> {
  const dir = packageDir('emojibase-data', 'the emoji datasets');
  const data = readJsonFile(path.join(dir, 'en', 'data.json'), 'emoji data') as CldrEmoji[];
  const out = new Map<string, { label: string; tags: string[] }>();
  for (const e of data) {
    const tags = e.tags ?? [];
    out.set(stripFe0f(e.hexcode), { label: e.label, tags });
    for (const s of e.skins ?? []) out.set(stripFe0f(s.hexcode), { label: s.label, tags });
  }
  return out;
}

/** Three human-text captions: the CLDR label, a sentence, and the label with its keywords. */
function emojiCaptions(label: string, tags: string[]): string[] {
  const captions = [label, `${label} emoji`];
  const extra = tags.filter((t) => !label.includes(t));
  if (extra.length > 0) captions.push(`${label}: ${extra.join(', ')}`);
  return captions;
}

/** All emoji of `style` that have an image in that style's package, in emoji-datasource order. */
function listEmoji(style: EmojiStyle): { entries: EmojiEntry[]; subcategories: string[] } {
  const pkg = `emoji-datasource-${style}`;
  const dir = packageDir(pkg, `emoji:${style}`);
  const source = readJsonFile(path.join(dir, 'emoji.json'), 'emoji data') as SourceEmoji[];
  const cldr = readCldr();
  const subcategories = [...new Set(source.filter((e) => EMOJI_CATEGORIES.includes(e.category)).map((e) => e.subcategory))].sort();
  const entries: EmojiEntry[] = [];
  for (const e of [...source].sort((a, b) => a.sort_order - b.sort_order)) {
    const label = EMOJI_CATEGORIES.indexOf(e.category);
    if (label < 0) continue;
    const split = hashSplit(e.unified.toLowerCase(), EMOJI_TEST_PERCENT);
    const variants = [{ unified: e.unified, image: e.image, tone: null as string | null }];
    for (const [tone, v] of Object.entries(e.skin_variations ?? {})) variants.push({ unified: v.unified, image: v.image, tone });
    for (const v of variants) {
      const file = path.join(dir, 'img', style, '64', v.image);
      const text = cldr.get(stripFe0f(v.unified));
      if (!text || !fs.existsSync(file)) continue;
      const attributes = {
        category: e.category,
        subcategory: e.subcategory,
        subLabel: subcategories.indexOf(e.subcategory),
        base: e.unified.toLowerCase(),
        skinTone: v.tone,
      };
      entries.push({ meta: { id: v.unified.toLowerCase(), captions: emojiCaptions(text.label, text.tags), label, attributes }, file, split });
    }
  }
  return { entries, subcategories };
}

function packageVersion(style: EmojiStyle): string {
  const dir = packageDir(`emoji-datasource-${style}`, `emoji:${style}`);
  return (readJsonFile(path.join(dir, 'package.json'), 'package.json') as { version: string }).version;
}

/** Decoded items of both splits: once per process, and from the disk cache when it matches. */
function decodeAll(style: EmojiStyle, size: number, diskCache: boolean): Promise<StoredItem[]> {
  return memoise(`emoji:${style}:${size}`, async () => {
    const { entries } = listEmoji(style);
    const ids = entries.map((e) => e.meta.id);
    const cacheName = `emoji-${style}-${packageVersion(style)}-${size}`;
    let pixels = diskCache ? readPixelCache(cacheName, ids, size * size * 3) : null;
    if (!pixels) {
      pixels = await mapLimit(entries, 16, (e) => decodeImage(e.file, size));
      if (diskCache) writePixelCache(cacheName, ids, pixels);
    }
    return entries.map((e, i) => ({ meta: e.meta, pixels: pixels![i], split: e.split }));
  });
}

export async function loadEmoji(style: string, opts: Required<Pick<LoadOptions, 'split' | 'imageSize'>> & LoadOptions): Promise<Dataset> {
  if (!(EMOJI_STYLES as readonly string[]).includes(style)) {
    throw new Error(`emoji: unknown style '${style}', expected one of ${EMOJI_STYLES.join(', ')}`);
  }
  const items = await decodeAll(style as EmojiStyle, opts.imageSize, opts.diskCache ?? true);
  return storedDataset({
    name: `emoji:${style}`,
    split: opts.split,
    imageSize: opts.imageSize,
    items,
    classNames: EMOJI_CATEGORIES,
    size: opts.size,
  });
}

/** Subcategory names (`attributes.subLabel` indexes into it). */
export function emojiSubcategories(style: EmojiStyle = 'google'): string[] {
  return listEmoji(style).subcategories;
}
