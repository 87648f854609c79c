/**
 * Caption decoding, greedy and beam search, over any next-token scorer: the caller maps (source
 * rows, ids so far) to log-probabilities, so the same search drives the frozen LM, the Q-Former's
 * soft prompts or the CoCa decoder. Deterministic: ties go to the lower token id, then the
 * earlier hypothesis.
 */

/** Scores the next token of each row: `sources[r]` is the image row r decodes, `ids[r]` its tokens so far (all of one length). */
export type NextLogProbs = (sources: number[], ids: number[][]) => Promise<Float32Array[]>;

export interface DecodeOptions {
  /** First token of every caption ([CLS]). */
  bos: number;
  /** Token that ends a caption ([SEP]). */
  eos: number;
  /** Tokens counted with bos and eos (the LM's positions). */
  maxLen: number;
  /** Never generated (padding, [MASK], [CLS], [UNK]). */
  banned?: readonly number[];
}

export interface BeamOptions extends DecodeOptions {
  beamSize: number;
  /** Score = Σ log p / length^lengthPenalty (0: the most likely caption; 1: the best mean log-probability). */
  lengthPenalty?: number;
}

function checkOptions(o: DecodeOptions): void {
  if (!(Number.isInteger(o.maxLen) && o.maxLen >= 2)) throw new Error(`decode: maxLen must be an integer ≥ 2 (bos + eos), got ${o.maxLen}`);
}

/** Index of the largest entry not banned (lowest index on ties). */
function argmax(row: Float32Array, banned: Set<number>): number {
  let best = -1;
  for (let v = 0; v < row.length; v++) if (!banned.has(v) && (best < 0 || row[v] > row[best])) best = v;
  if (best < 0) throw new Error('decode: every token is banned');
  return best;
}

/** Token ids without bos, up to (not including) eos. */
function body(ids: number[], o: DecodeOptions): number[] {
  const end = ids.indexOf(o.eos, 1);
  return ids.slice(1, end < 0 ? undefined : end);
}

/** Greedy captions of `n` source rows: the token ids after bos, eos excluded. */
export async function greedyDecode(n: number, next: NextLogProbs, o: DecodeOptions): Promise<number[][]> {
  checkOptions(o);
  const banned = new Set(o.banned ?? []);
  const ids = Array.from({ length: n }, () => [o.bos]);
  const done = new Array<boolean>(n).fill(false);
  for (let t = 1; t < o.maxLen && done.some((d) => !d); t++) {
    const live = ids.map((_, i) => i).filter((i) => !done[i]);
    const scores = await next(live, live.map((i) => ids[i]));
    live.forEach((i, r) => {
      const tok = t === o.maxLen - 1 ? o.eos : argmax(scores[r], banned);
      ids[i].push(tok);
      if (tok === o.eos) done[i] = true;
    });
  }
  return ids.map((row) => body(row, o));
}

interface Hypothesis {
  ids: number[];
  logProb: number;
}

/** Beam-search captions of `n` source rows (token ids after bos, eos excluded). */
export async function beamDecode(n: number, next: NextLogProbs, o: BeamOptions): Promise<number[][]> {
  checkOptions(o);
  if (!(Number.isInteger(o.beamSize) && o.beamSize >= 1)) throw new Error(`beamDecode: beamSize must be an integer ≥ 1, got ${o.beamSize}`);
  const banned = new Set(o.banned ?? []);
  const alpha = o.lengthPenalty ?? 0;
  const score = (h: Hypothesis) => h.logProb / Math.pow(h.ids.length - 1, alpha);
  let beams: Hypothesis[][] = Array.from({ length: n }, () => [{ ids: [o.bos], logProb: 0 }]);
  const finished: Hypothesis[][] = Array.from({ length: n }, () => []);
  for (let t = 1; t < o.maxLen; t++) {
    const rows: { src: number; h: Hypothesis }[] = beams.flatMap((bs, src) => bs.map((h) => ({ src, h })));
    if (rows.length === 0) break;
    const scores = await next(rows.map((r) => r.src), rows.map((r) => r.h.ids));
    const candidates: Hypothesis[][] = Array.from({ length: n }, () => []);
    rows.forEach(({ src, h }, r) => {
      const row = scores[r];
      if (t === o.maxLen - 1) {
        candidates[src].push({ ids: [...h.ids, o.eos], logProb: h.logProb + row[o.eos] });
        return;
      }
      // the beamSize best extensions of this hypothesis are enough to fill the beam
      const top: number[] = [];
      for (let v = 0; v < row.length; v++) {
        if (banned.has(v)) continue;
        top.push(v);
        top.sort((a, b) => row[b] - row[a] || a - b);
        if (top.length > o.beamSize) top.pop();
      }
      for (const v of top) candidates[src].push({ ids: [...h.ids, v], logProb: h.logProb + row[v] });
    });
    beams = candidates.map((cands, src) => {
      const order = cands.map((h, k) => ({ h, k })).sort((a, b) => b.h.logProb - a.h.logProb || a.k - b.k);
      const keep: Hypothesis[] = [];
      for (const { h } of order) {
        if (keep.length >= o.beamSize) break;
        if (h.ids[h.ids.length - 1] === o.eos) finished[src].push(h);
        else keep.push(h);
      }
      if (finished[src].length >= o.beamSize) return [];
      // at alpha 0 a live hypothesis only loses log-probability: stop once the best finished one beats them all
      const bestDone = Math.max(...finished[src].map(score));
      return alpha === 0 && keep.every((h) => h.logProb <= bestDone) ? [] : keep;
    });
  }
  return finished.map((fs, src) => {
    const all = fs.length ? fs : beams[src];
    const best = all.reduce((a, b) => (score(b) > score(a) ? b : a));
    return body(best.ids, o);
  });
}
