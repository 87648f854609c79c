/** The one dataset interface shared by every source (shapes, emoji, mnist, jsonl, coco). */

export type Split = 'train' | 'test';

/** Which items a loader returns: one split, or `all` of them (in file order for jsonl/coco). */
export const SPLIT_CHOICES = ['train', 'test', 'all'] as const;
export type SplitChoice = (typeof SPLIT_CHOICES)[number];

/** A hard negative caption: the caption at `captionIndex` with exactly one thing swapped. */
export interface HardNegative {
  kind: 'colour' | 'shape' | 'size' | 'relation';
  caption: string;
  /** Index into `Item.captions` of the caption this negative was made from. */
  captionIndex: number;
  /** The swapped words: `caption` is the original with one occurrence of `from` replaced by `to`. */
  from: string;
  to: string;
}

/** Everything about an item except its pixels (cheap: used for statistics and vocabularies). */
export interface ItemMeta {
  /** Stable id; the same emoji has the same id in every style. */
  id: string;
  captions: string[];
  label?: number;
  attributes?: Record<string, unknown>;
  negatives?: HardNegative[];
}

export interface Item extends ItemMeta {
  /** [H, W, 3] row-major, channels last, values in [0, 1]. A fresh array the caller may modify. */
  image: Float32Array;
}

/** An item a loader dropped under `skipBad`, with where and why. */
export interface SkippedItem {
  file: string;
  /** 1-based line for jsonl; for coco the 1-based index into `images`. */
  line: number;
  reason: string;
}

export interface Dataset {
  /** The spec string that selected it, e.g. `emoji:google`. */
  name: string;
  split: SplitChoice;
  size: number;
  /** Side length of the square images. */
  imageSize: number;
  /** Sizes of both splits (of the same spec and options). */
  splitSizes: Record<Split, number>;
  classNames?: string[];
  /** Items dropped under `skipBad` (both splits); always present, empty when nothing was skipped. */
  skipped: SkippedItem[];
  get(i: number): Item;
  meta(i: number): ItemMeta;
}

export interface LoadOptions {
  split?: SplitChoice;
  /** Square output size in pixels; default 32. */
  imageSize?: number;
  /** For `shapes`: which scenes (item i of seed s is always the same); default 0. */
  seed?: number;
  /** Skip bad jsonl/coco items (and list them in `skipped`) instead of throwing; default false. */
  skipBad?: boolean;
  /** `shapes`: number of items in the split, each split for `all` (default train 5000, test 500). Others: keep the first `size` items. */
  size?: number;
  /** Cache decoded emoji on disk (`MVLM_CACHE_DIR` or `.mvlm-cache/`); default true. */
  diskCache?: boolean;
  /** Do not print the summary of skipped items; default false. */
  quiet?: boolean;
}

export const DEFAULT_IMAGE_SIZE = 32;

/** Throws unless `i` is an integer index into a dataset of `size` items. */
export function checkIndex(name: string, i: number, size: number): void {
  if (!Number.isInteger(i) || i < 0 || i >= size) {
    throw new Error(`${name}: index ${i} out of range [0, ${size})`);
  }
}
