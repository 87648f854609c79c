/**
 * SentencePiece `EncodeAsIds` over a list of scored pieces: the algorithm of the `Tokenizer` in
 * @tensorflow-models/universal-sentence-encoder@1.3.3 (dist/tokenizer), re-stated here because that
 * module requires @tensorflow/tfjs-core 3.x, which, installed beside mvlm's tfjs 4, loads a second
 * engine ("Platform node has already been set"). The output is the package's, quirks included (a test
 * compares the two on random text): symbols are UTF-16 code units (its ES5 build splits strings by
 * index, so an emoji is two symbols), ties go to the later start, a path score of exactly 0 counts as
 * unset (an unknown symbol, scored 0, beats any negative path), and the backward pass steps back by
 * the length of the id's piece, that of piece 0 for an unknown symbol.
 */

/** [piece, score] pairs; index = piece id. */
export type Vocabulary = Array<[string, number]>;

const WORD_START = '\u2581';
/** USE reserves its first six ids (unk, control and user-defined symbols): never matched. */
const USE_RESERVED_SYMBOLS = 6;
const UNKNOWN_ID = 0;

interface Match {
  /** Length of the piece in UTF-16 code units. */
  length: number;
  score: number;
  id: number;
}

class TrieNode {
  readonly children = new Map<string, TrieNode>();
  match?: Match;
}

/** '▁' before the text and in place of every space, after NFKC. */
function withWordStarts(text: string): string {
  const normalised = text.normalize('NFKC');
  return normalised.length > 0 ? WORD_START + normalised.replace(/ /g, WORD_START) : normalised;
}

export class SentencePieceTokenizer {
  private readonly root = new TrieNode();

  /** Pieces with ids below `reservedSymbolsCount` are never matched. */
  constructor(readonly vocabulary: Vocabulary, readonly reservedSymbolsCount = USE_RESERVED_SYMBOLS) {
    for (let id = reservedSymbolsCount; id < vocabulary.length; id++) {
      const [piece, score] = vocabulary[id];
      const symbols = piece.split('');
      if (symbols.length === 0) continue;
      let node = this.root;
      for (const s of symbols) {
        let child = node.children.get(s);
        if (!child) node.children.set(s, (child = new TrieNode()));
        node = child;
      }
      node.match = { length: symbols.length, score, id }; // a repeated piece: the later id wins
    }
  }

  /** Every piece that starts `symbols` at `start`, shortest first; an unknown symbol alone if none. */
  private piecesAt(symbols: string[], start: number): Match[] {
    const out: Match[] = [];
    let node = this.root.children.get(symbols[start]);
    for (let i = start; node; i++) {
      if (node.match) out.push(node.match);
      node = i + 1 < symbols.length ? node.children.get(symbols[i + 1]) : undefined;
    }
    return out.length > 0 ? out : [{ length: 1, score: 0, id: UNKNOWN_ID }];
  }

  /** Piece ids of `text` (Viterbi over the piece lattice); runs of unknown symbols give one id 0. */
  encode(text: string): number[] {
    const symbols = withWordStarts(text).split('');
    const n = symbols.length;
    // endingAt[end]: the pieces that end at `end`, in ascending start order (the package's order).
    const endingAt: { start: number; match: Match }[][] = Array.from({ length: n + 1 }, () => []);
    for (let start = 0; start < n; start++) {
      for (const match of this.piecesAt(symbols, start)) endingAt[start + match.length].push({ start, match });
    }
    const best = new Array<number>(n + 1).fill(0);
    const bestId = new Array<number>(n + 1).fill(UNKNOWN_ID);
    for (let end = 0; end <= n; end++) {
      for (const { start, match } of endingAt[end]) {
        const score = match.score + best[start];
        if (best[end] === 0 || score >= best[end]) {
          best[end] = score;
          bestId[end] = match.id;
        }
      }
    }
    const backward: number[] = [];
    for (let at = n; at > 0; ) {
      const id = bestId[at];
      const step = this.vocabulary[id][0].length;
      if (step <= 0) throw new Error(`SentencePieceTokenizer.encode: piece ${id} is empty, the backward pass cannot step over it`);
      if (!(id === UNKNOWN_ID && backward[backward.length - 1] === UNKNOWN_ID)) backward.push(id);
      at -= step;
    }
    return backward.reverse();
  }
}
