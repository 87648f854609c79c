/**
 * A subword tokenizer on SentencePiece's encoder (./sentencepiece: Viterbi over scored pieces;
 * '▁' marks a word start). The vocabulary is
 * built from training captions: specials, every character seen, then frequent words and frequent
 * word pieces, each scored by log-frequency, capped at `vocabSize`. Same corpus, same vocabulary.
 * No file access here (the browser entry tokenizes with it); ./tokenizer.ts adds load and save.
 */
import { SentencePieceTokenizer } from './sentencepiece';

export const SPECIAL_TOKENS = ['[PAD]', '[UNK]', '[CLS]', '[SEP]', '[MASK]'] as const;
export const PAD_ID = 0;
export const UNK_ID = 1;
export const CLS_ID = 2;
export const SEP_ID = 3;
export const MASK_ID = 4;
const WORD = '\u2581';

export interface TokenizerBuildOptions {
  /** Cap on the vocabulary, specials and characters included; default 1000. */
  vocabSize?: number;
  /** Words (and pieces) seen fewer times are not added whole; default 2. */
  minCount?: number;
  /** Longest piece considered, in characters (with '▁'); default 12. */
  maxPieceLength?: number;
}

export interface Encoding {
  /** [maxLen] [CLS] pieces... [SEP] then [PAD]s. */
  ids: number[];
  /** [maxLen] 1 on real tokens (specials included), 0 on padding. */
  attention: number[];
  /** [maxLen] 1 on the first piece of each word, 0 on continuation pieces, specials and padding. */
  wordStarts: number[];
}

export interface TokenizerJSON {
  format: 'mvlm-subword-tokenizer';
  version: 1;
  normalisation: 'nfkc-lowercase';
  /** [piece, score] pairs; index = id; the first five are the special tokens. */
  pieces: [string, number][];
}

/** NFKC, lowercase, whitespace collapsed; control and astral characters become U+FFFD. */
export function normaliseText(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u{10000}-\u{10FFFF}]/gu, '\uFFFD')
    .replace(/[\u0000-\u001f\u007f]/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** Added to every log-frequency score: fewer pieces beat likelier pieces. */
const PIECE_PENALTY = 10;

/**
 * A word's units for counting: runs of letters/digits and single other characters, so that pieces
 * never span punctuation ("face:" -> "▁face", ":"); only the first unit carries '▁'.
 */
function wordUnits(word: string): string[] {
  const units = word.match(/[\p{L}\p{N}'’]+|[^\p{L}\p{N}'’]/gu) ?? [];
  return units.map((u, i) => (i === 0 ? WORD + u : u));
}

/** Count a map entry. */
const bump = (m: Map<string, number>, key: string, by = 1) => m.set(key, (m.get(key) ?? 0) + by);
const byCountThenText = (a: [string, number], b: [string, number]) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

/** The tokenizer itself (text <-> ids); `SubwordTokenizer` (./tokenizer.ts) is this with file load and save. */
export class SubwordCodec {
  readonly pieces: [string, number][];
  private readonly encoder: SentencePieceTokenizer;

  constructor(pieces: [string, number][]) {
    SPECIAL_TOKENS.forEach((s, i) => {
      if (pieces[i]?.[0] !== s) throw new Error(`SubwordTokenizer: piece ${i} must be ${s}, got ${JSON.stringify(pieces[i]?.[0])}`);
    });
    this.pieces = pieces;
    // The encoder emits id 0 for an unknown character and steps back by the length of piece 0:
    // give it a one-character stand-in for [PAD] (never matched: specials are not in its trie).
    const forEncoder: [string, number][] = pieces.map(([p, s], i) => [i === PAD_ID ? '\u0000' : p, s]);
    this.encoder = new SentencePieceTokenizer(forEncoder, SPECIAL_TOKENS.length);
  }

  /** Build a vocabulary from a corpus of captions (order matters only for equal counts: none). */
  static build<T extends SubwordCodec>(this: new (pieces: [string, number][]) => T, corpus: Iterable<string>, options: TokenizerBuildOptions = {}): T {
    const vocabSize = options.vocabSize ?? 1000;
    const minCount = options.minCount ?? 2;
    const maxLen = options.maxPieceLength ?? 12;
    const words = new Map<string, number>();
    for (const text of corpus) for (const w of normaliseText(text).split(' ')) for (const u of wordUnits(w)) bump(words, u);
    const chars = new Map<string, number>();
    for (const [w, n] of words) for (const c of w) bump(chars, c, n);
    const charList = [...chars].sort(byCountThenText);
    if (SPECIAL_TOKENS.length + charList.length > vocabSize) {
      throw new Error(`SubwordTokenizer.build: vocabSize ${vocabSize} is smaller than the ${SPECIAL_TOKENS.length} specials + ${charList.length} characters of the corpus`);
    }
    // Whole frequent words first (the common case is one piece per word), then, counted over the
    // words left out, the pieces that save the most characters (count x (length - 1)).
    const budget = vocabSize - SPECIAL_TOKENS.length - charList.length;
    const wordList = [...words].filter(([w, n]) => n >= minCount && [...w].length > 1).sort(byCountThenText).slice(0, Math.ceil(budget * 0.6));
    const chosen = new Set(wordList.map(([w]) => w));
    const pieces = new Map<string, number>();
    for (const [w, n] of words) {
      if (chosen.has(w)) continue;
      const symbols = [...w];
      for (let i = 0; i < symbols.length; i++) {
        for (let j = i + 2; j <= Math.min(symbols.length, i + maxLen); j++) bump(pieces, symbols.slice(i, j).join(''), n);
      }
    }
    const pieceList = [...pieces]
      .filter(([p, n]) => n >= minCount && !chosen.has(p))
      .map(([p, n]) => [p, n * ([...p].length - 1)] as [string, number])
      .sort(byCountThenText)
      .slice(0, budget - wordList.length)
      .map(([p]) => [p, pieces.get(p)!] as [string, number]);
    const learned = [...charList, ...wordList, ...pieceList];
    const total = learned.reduce((s, [, n]) => s + n, 0);
    // The per-piece penalty makes Viterbi prefer the fewest pieces, then the most frequent ones.
    const scored = learned.map(([p, n]) => [p, Math.log(n / total) - PIECE_PENALTY] as [string, number]);
    return new this([...SPECIAL_TOKENS.map((s) => [s, 0] as [string, number]), ...scored]);
  }

  static fromJSON<T extends SubwordCodec>(this: new (pieces: [string, number][]) => T, json: TokenizerJSON): T {
    if (json?.format !== 'mvlm-subword-tokenizer' || !Array.isArray(json.pieces)) {
      throw new Error(`SubwordTokenizer.fromJSON: not an mvlm tokenizer (format ${JSON.stringify(json?.format)})`);
    }
    return new this(json.pieces);
  }

  toJSON(): TokenizerJSON {
    return { format: 'mvlm-subword-tokenizer', version: 1, normalisation: 'nfkc-lowercase', pieces: this.pieces };
  }

  get vocabSize(): number {
    return this.pieces.length;
  }

  /** Ids the masking never chooses: all five special tokens. */
  get specialIds(): number[] {
    return SPECIAL_TOKENS.map((_, i) => i);
  }

  readonly padId = PAD_ID;
  readonly unkId = UNK_ID;
  readonly clsId = CLS_ID;
  readonly sepId = SEP_ID;
  readonly maskId = MASK_ID;

  /** Piece ids of `text` (normalised), without specials; unknown characters become [UNK]. */
  tokenize(text: string): number[] {
    return this.encoder.encode(normaliseText(text)).map((id) => (id === PAD_ID ? UNK_ID : id));
  }

  /** [CLS] pieces [SEP], truncated to `maxLen` (keeping [SEP]) and padded with [PAD]. */
  encode(text: string, maxLen: number): Encoding {
    if (!Number.isInteger(maxLen) || maxLen < 2) throw new Error(`SubwordTokenizer.encode: maxLen must be an integer >= 2, got ${maxLen}`);
    const body = this.tokenize(text).slice(0, maxLen - 2);
    const ids = [CLS_ID, ...body, SEP_ID];
    const wordStarts = ids.map((id) => (id >= SPECIAL_TOKENS.length && this.pieces[id][0].startsWith(WORD) ? 1 : 0));
    const attention = ids.map(() => 1);
    while (ids.length < maxLen) {
      ids.push(PAD_ID);
      attention.push(0);
      wordStarts.push(0);
    }
    return { ids, attention, wordStarts };
  }

  /** Text of `ids`: [CLS], [SEP] and [PAD] dropped, [UNK] and [MASK] shown as such. */
  decode(ids: ArrayLike<number>): string {
    let out = '';
    for (const id of Array.from(ids)) {
      if (id === PAD_ID || id === CLS_ID || id === SEP_ID) continue;
      const piece = this.pieces[id]?.[0];
      if (piece === undefined) throw new Error(`SubwordTokenizer.decode: id ${id} is not in [0, ${this.vocabSize})`);
      out += id === UNK_ID || id === MASK_ID ? piece : piece.replace(new RegExp(WORD, 'g'), ' ');
    }
    return out.replace(/\s+/g, ' ').trim();
  }

  /** The piece strings of `ids` (for inspection). */
  idsToPieces(ids: ArrayLike<number>): string[] {
    return Array.from(ids, (id) => this.pieces[id]?.[0] ?? `<${id}?>`);
  }
}
