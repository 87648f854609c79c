/** Summary statistics of a dataset split, for `mvlm data` and for people reading a run's setup. */
import { SubwordTokenizer, normaliseText } from './tokenizer';
import { Dataset, SkippedItem } from './types';

export interface Summary {
  min: number;
  mean: number;
  max: number;
}

export interface DatasetStats {
  name: string;
  split: string;
  size: number;
  splitSizes: Record<string, number>;
  imageSize: number;
  /** Items per class in this split, when there are classes. */
  classes?: { name: string; count: number }[];
  captionsPerImage: Summary;
  /** Words per caption (normalised, split on spaces). */
  captionWords: Summary;
  /** Tokenizer pieces per caption, without [CLS]/[SEP]. */
  captionTokens: Summary;
  vocabulary: { distinctWords: number; tokenizerSize: number; unknownTokenRate: number };
  skipped: SkippedItem[];
}

function summarise(xs: number[]): Summary {
  if (xs.length === 0) return { min: 0, mean: 0, max: 0 };
  const mean = xs.reduce((a, b) => a + b, 0) / xs.length;
  return { min: Math.min(...xs), mean: Math.round(mean * 100) / 100, max: Math.max(...xs) };
}

/** All captions of a dataset, in item order (the corpus a tokenizer is built from). */
export function captionCorpus(dataset: Dataset): string[] {
  const out: string[] = [];
  for (let i = 0; i < dataset.size; i++) out.push(...dataset.meta(i).captions);
  return out;
}

/** Statistics of `dataset`, with token counts from `tokenizer` (built on the training split). */
export function datasetStats(dataset: Dataset, tokenizer: SubwordTokenizer): DatasetStats {
  const perImage: number[] = [];
  const words: number[] = [];
  const tokens: number[] = [];
  const distinct = new Set<string>();
  const counts = new Map<number, number>();
  let unknown = 0;
  for (let i = 0; i < dataset.size; i++) {
    const m = dataset.meta(i);
    perImage.push(m.captions.length);
    if (m.label !== undefined) counts.set(m.label, (counts.get(m.label) ?? 0) + 1);
    for (const c of m.captions) {
      const ws = normaliseText(c).split(' ');
      ws.forEach((w) => distinct.add(w));
      words.push(ws.length);
      const ids = tokenizer.tokenize(c);
      tokens.push(ids.length);
      unknown += ids.filter((id) => id === tokenizer.unkId).length;
    }
  }
  const totalTokens = tokens.reduce((a, b) => a + b, 0);
  return {
    name: dataset.name,
    split: dataset.split,
    size: dataset.size,
    splitSizes: dataset.splitSizes,
    imageSize: dataset.imageSize,
    classes: dataset.classNames?.map((name, k) => ({ name, count: counts.get(k) ?? 0 })),
    captionsPerImage: summarise(perImage),
    captionWords: summarise(words),
    captionTokens: summarise(tokens),
    vocabulary: {
      distinctWords: distinct.size,
      tokenizerSize: tokenizer.vocabSize,
      unknownTokenRate: totalTokens ? Math.round((unknown / totalTokens) * 1e5) / 1e5 : 0,
    },
    skipped: dataset.skipped,
  };
}
