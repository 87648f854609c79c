/**
 * The USE SentencePiece tokenizer, from the package itself (`Tokenizer` in
 * @tensorflow-models/universal-sentence-encoder), fed a `vocab.json` read from a local file.
 * The vocabulary format is the package's: a JSON array of [piece, score] pairs, index = piece id.
 */
import * as fs from 'fs';
import { Tokenizer, Vocabulary } from '@tensorflow-models/universal-sentence-encoder/dist/tokenizer';

export { Tokenizer };
export type { Vocabulary };

/** Read and validate `vocab.json`; errors name the file and the first bad entry. */
export function readUseVocabulary(vocabPath: string): Vocabulary {
  if (!fs.existsSync(vocabPath)) throw new Error(`vocabulary file not found: ${vocabPath}`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(vocabPath, 'utf8'));
  } catch (e) {
    throw new Error(`malformed vocabulary file ${vocabPath}: ${(e as Error).message}`);
  }
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
