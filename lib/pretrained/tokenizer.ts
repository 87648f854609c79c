/**
 * The USE SentencePiece tokenizer (the `Tokenizer` of @tensorflow-models/universal-sentence-encoder,
 * re-stated in ../data/sentencepiece with identical output), fed a `vocab.json` read from a local file.
 * The vocabulary format is the package's: a JSON array of [piece, score] pairs, index = piece id.
 */
import { SentencePieceTokenizer as Tokenizer, type Vocabulary } from '../data/sentencepiece';
import { readJsonFile } from './file_io';

export { Tokenizer };
export type { Vocabulary };

/** Read and validate `vocab.json`; errors name the file and the first bad entry. */
export function readUseVocabulary(vocabPath: string): Vocabulary {
  const parsed = readJsonFile(vocabPath, 'vocabulary');
  if (!Array.isArray(parsed) || parsed.length === 0) {
    throw new Error(`malformed vocabulary file ${vocabPath}: expected a non-empty array of [piece, score] pairs`);
  }
  parsed.forEach((entry, i) => {
    const ok = Array.isArray(entry) && typeof entry[0] === 'string' && typeof entry[1] === 'number';
    if (!ok) {
      throw new Error(`malformed vocabulary file ${vocabPath}: entry ${i} is ${JSON.stringify(entry)}, expected [piece, score]`);
    }
  });
  return parsed as Vocabulary;
}

/** A `Tokenizer` over the vocabulary in `vocabPath`. */
export function loadUseTokenizer(vocabPath: string): Tokenizer {
  return new Tokenizer(readUseVocabulary(vocabPath));
}
