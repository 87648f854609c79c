/**
 * Captioning metrics as the COCO caption evaluation (pycocoevalcap) computes them: corpus BLEU-4
 * (clipped n-gram precisions summed over the corpus, geometric mean, brevity penalty against the
 * closest reference length) and CIDEr-D (tf-idf n-gram vectors, idf from the references of the
 * evaluated set, clipped hypothesis counts, Gaussian length penalty σ = 6, × 10). Words: lowercase
 * runs of letters and digits (the PTB tokenizer's punctuation removal, simplified).
 */

/** Lowercase words of a caption, punctuation dropped. */
export function captionWords(text: string): string[] {
  return text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

type Counts = Map<string, number>;

/** n-gram counts of `words` for n = 1..maxN (keys joined by a space, so they never collide across n). */
function ngrams(words: string[], maxN: number): Counts {
  const out: Counts = new Map();
  for (let n = 1; n <= maxN; n++) {
    for (let i = 0; i + n <= words.length; i++) {
      const key = words.slice(i, i + n).join(' ');
      out.set(key, (out.get(key) ?? 0) + 1);
    }
  }
  return out;
}

function checkPairs(fn: string, candidates: readonly string[], references: readonly (readonly string[])[]): void {
  if (candidates.length !== references.length) throw new Error(`${fn}: ${candidates.length} candidates but ${references.length} reference lists`);
  if (candidates.length === 0) throw new Error(`${fn}: no captions to score`);
  references.forEach((refs, i) => {
    if (refs.length === 0) throw new Error(`${fn}: item ${i} has no reference caption`);
  });
}

/**
 * Corpus BLEU-n of candidate captions against each item's references (pycocoevalcap's Bleu with
 * option 'closest': 1e-15 / 1e-9 smoothing of empty precisions).
 */
export function corpusBleu(candidates: readonly string[], references: readonly (readonly string[])[], maxN = 4): number {
  checkPairs('corpusBleu', candidates, references);
  const correct = new Array<number>(maxN).fill(0);
  const total = new Array<number>(maxN).fill(0);
  let candLen = 0;
  let refLen = 0;
  candidates.forEach((cand, i) => {
    const words = captionWords(cand);
    const refs = references[i].map(captionWords);
    candLen += words.length;
    // closest reference length, the shorter one on ties
    refLen += refs.map((r) => r.length).reduce((best, l) => (Math.abs(l - words.length) < Math.abs(best - words.length) || (Math.abs(l - words.length) === Math.abs(best - words.length) && l < best) ? l : best));
    const maxRef: Counts = new Map();
    for (const r of refs) for (const [g, c] of ngrams(r, maxN)) maxRef.set(g, Math.max(maxRef.get(g) ?? 0, c));
    for (const [g, c] of ngrams(words, maxN)) correct[g.split(' ').length - 1] += Math.min(c, maxRef.get(g) ?? 0);
    for (let n = 1; n <= maxN; n++) total[n - 1] += Math.max(0, words.length - n + 1);
  });
  const tiny = 1e-15;
  const small = 1e-9;
  let logMean = 0;
  for (let n = 0; n < maxN; n++) logMean += Math.log((correct[n] + tiny) / (total[n] + small)) / maxN;
  const ratio = (candLen + tiny) / (refLen + small);
  const brevity = ratio < 1 ? Math.exp(1 - 1 / ratio) : 1;
  return Math.exp(logMean) * brevity;
}

interface TfIdf {
  vec: Map<string, number>[];
  norm: number[];
  length: number;
}

/**
 * CIDEr-D per item (pycocoevalcap's Cider) and their mean. Note the reference implementation's
 * length is the number of bigrams (`if n == 1` on a 0-based n); kept, so values match it.
 */
export function ciderD(candidates: readonly string[], references: readonly (readonly string[])[], maxN = 4, sigma = 6): { score: number; perItem: number[] } {
  checkPairs('ciderD', candidates, references);
  const refCounts = references.map((refs) => refs.map((r) => ngrams(captionWords(r), maxN)));
  const df: Counts = new Map();
  for (const refs of refCounts) {
    const seen = new Set<string>();
    for (const c of refs) for (const g of c.keys()) seen.add(g);
    for (const g of seen) df.set(g, (df.get(g) ?? 0) + 1);
  }
  const logItems = Math.log(references.length);
  const toVec = (counts: Counts): TfIdf => {
    const vec = Array.from({ length: maxN }, () => new Map<string, number>());
    const norm = new Array<number>(maxN).fill(0);
    let length = 0;
    for (const [g, tf] of counts) {
      const n = g.split(' ').length - 1;
      const v = tf * (logItems - Math.log(Math.max(1, df.get(g) ?? 0)));
      vec[n].set(g, v);
      norm[n] += v * v;
      if (n === 1) length += tf;
    }
    return { vec, norm: norm.map(Math.sqrt), length };
  };
  const sim = (h: TfIdf, r: TfIdf): number[] => {
    const delta = h.length - r.length;
    return h.vec.map((hv, n) => {
      let val = 0;
      for (const [g, v] of hv) {
        const rv = r.vec[n].get(g) ?? 0;
        val += Math.min(v, rv) * rv;
      }
      if (h.norm[n] !== 0 && r.norm[n] !== 0) val /= h.norm[n] * r.norm[n];
      return val * Math.exp(-(delta * delta) / (2 * sigma * sigma));
    });
  };
  const perItem = candidates.map((cand, i) => {
    const h = toVec(ngrams(captionWords(cand), maxN));
    const total = new Array<number>(maxN).fill(0);
    for (const ref of refCounts[i]) sim(h, toVec(ref)).forEach((v, n) => (total[n] += v));
    const mean = total.reduce((a, b) => a + b, 0) / maxN;
    return (mean / refCounts[i].length) * 10;
  });
  return { score: perItem.reduce((a, b) => a + b, 0) / perItem.length, perItem };
}
