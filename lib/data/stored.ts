/**
 * A dataset over decoded items held in memory as uint8 RGB (4x smaller than float; converted to
 * float on `get`), plus the fixed hash split used by sources without their own split.
 */
import { hashString } from '../random';
import { toFloat } from './image';
import { Dataset, Item, ItemMeta, SkippedItem, Split, SplitChoice, checkIndex } from './types';

export interface StoredItem {
  meta: ItemMeta;
  /** uint8 [S, S, 3] */
  pixels: Uint8Array;
  split: Split;
}

export interface StoredDatasetOptions {
  name: string;
  split: SplitChoice;
  imageSize: number;
  /** Items of both splits, in a fixed order; those of `split` are kept (all of them, in order, for `all`). */
  items: StoredItem[];
  classNames?: string[];
  skipped?: SkippedItem[];
  /** Keep only the first `size` items of the split. */
  size?: number;
}

export function storedDataset(o: StoredDatasetOptions): Dataset {
  const all = { train: o.items.filter((it) => it.split === 'train'), test: o.items.filter((it) => it.split === 'test') };
  const limit = (xs: StoredItem[]) => (o.size === undefined ? xs : xs.slice(0, o.size));
  const mine = limit(o.split === 'all' ? o.items : all[o.split]);
  const expected = o.imageSize * o.imageSize * 3;
  for (const it of mine) {
    if (it.pixels.length !== expected) {
      throw new Error(`${o.name}: item ${it.meta.id} has ${it.pixels.length} values, expected [${o.imageSize}, ${o.imageSize}, 3]`);
    }
  }
  return {
    name: o.name,
    split: o.split,
    size: mine.length,
    imageSize: o.imageSize,
    splitSizes: { train: limit(all.train).length, test: limit(all.test).length },
    classNames: o.classNames,
    skipped: o.skipped ?? [],
    meta(i: number): ItemMeta {
      checkIndex(o.name, i, mine.length);
      return mine[i].meta;
    },
    get(i: number): Item {
      checkIndex(o.name, i, mine.length);
      return { ...mine[i].meta, image: toFloat(mine[i].pixels) };
    },
  };
}

/** A fixed split from a key: `testPercent` % of keys land in test, the same keys on every machine. */
export function hashSplit(key: string, testPercent: number): Split {
  return hashString(key) % 100 < testPercent ? 'test' : 'train';
}
