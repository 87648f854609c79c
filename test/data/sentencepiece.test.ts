/** The re-stated SentencePiece encoder gives the USE package's `Tokenizer` output, id for id. */
import { expect } from 'chai';
import { Tokenizer as UseTokenizer } from '@tensorflow-models/universal-sentence-encoder/dist/tokenizer';
import { SentencePieceTokenizer, type Vocabulary } from '../../lib/data/sentencepiece';
import { SubwordTokenizer, normaliseText } from '../../lib/data';
import { Rng } from '../../lib/random';

/** Random text over `alphabet`: words of 1-8 symbols, single or double spaces between. */
function randomText(rng: Rng, alphabet: string[], words: number): string {
  const out: string[] = [];
  for (let w = 0; w < words; w++) {
    out.push(Array.from({ length: 1 + rng.int(8) }, () => alphabet[rng.int(alphabet.length)]).join(''));
  }
  return out.join(rng.int(4) === 0 ? '  ' : ' ');
}

/** Pieces over `alphabet`, some sharing a score (ties), some scored exactly 0, one repeated. */
function randomVocabulary(rng: Rng, alphabet: string[], size: number): Vocabulary {
  const reserved: Vocabulary = ['<unk>', '<s>', '</s>', '<ctl1>', '<ctl2>', '<user>'].map((p) => [p, 0]);
  const pieces: Vocabulary = [];
  for (let i = 0; i < size; i++) {
    const len = 1 + rng.int(4);
    const piece = (rng.int(3) === 0 ? '\u2581' : '') + Array.from({ length: len }, () => alphabet[rng.int(alphabet.length)]).join('');
    const score = rng.int(10) === 0 ? 0 : -Math.round(rng.uniform(1, 12) * 2) / 2;
    pieces.push([piece, score]);
  }
  pieces.push(pieces[3]);
  return [...reserved, ...pieces];
}

function expectSameIds(vocabulary: Vocabulary, reserved: number, texts: string[]): void {
  const ours = new SentencePieceTokenizer(vocabulary, reserved);
  const theirs = new UseTokenizer(vocabulary, reserved);
  for (const text of texts) expect(ours.encode(text), JSON.stringify(text)).to.deep.equal(theirs.encode(text));
}

describe('data: SentencePieceTokenizer against the USE Tokenizer', () => {
  it('gives the same ids on random text over a random vocabulary (ties, zero scores, unknown and astral symbols)', () => {
    const rng = new Rng(17);
    // 'é' as e + combining accent exercises NFKC; '😀' is two UTF-16 units; 'q' and 'ß' are in no piece
    const alphabet = ['a', 'b', 'c', 'd', 'e', '\u0301', '😀', 'x'];
    const vocabulary = randomVocabulary(rng, alphabet, 120);
    const texts = Array.from({ length: 300 }, () => randomText(rng, [...alphabet, 'q', 'ß'], 1 + rng.int(6)));
    expectSameIds(vocabulary, 6, ['', ' ', 'q', 'qq q', ...texts]);
  });

  it('gives the same ids as the USE Tokenizer under an mvlm subword vocabulary', () => {
    const corpus = [
      'a small red circle left of a large blue square',
      'a large green triangle above a small red star',
      'grinning face with smiling eyes',
      'smiling face with sunglasses',
    ];
    const tok = SubwordTokenizer.build(corpus, { vocabSize: 120, minCount: 1 });
    const vocabulary = tok.pieces.map(([p, s], i): [string, number] => [i === 0 ? '\u0000' : p, s]);
    const rng = new Rng(3);
    const words = corpus.join(' ').split(' ');
    const texts = Array.from({ length: 200 }, () => normaliseText(randomText(rng, [...'abcdefghijklmnopqrstuvwxyz'], 1) + ' ' + words[rng.int(words.length)] + '!'));
    expectSameIds(vocabulary, 5, texts);
  });

  it('names the empty piece it cannot step over instead of looping', () => {
    const tok = new SentencePieceTokenizer([['', 0], ['\u2581', -1], ['a', -1]], 1);
    expect(tok.encode('a')).to.deep.equal([1, 2]);
    expect(() => tok.encode('z')).to.throw(/piece 0 is empty/);
  });
});
