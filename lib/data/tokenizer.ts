/**
 * The subword tokenizer with files: lib/data/subword.ts is the tokenizer itself (no file access, so
 * the browser entry shares it); this adds reading and writing its JSON file.
 */
import * as fs from 'fs';
import { SubwordCodec, TokenizerJSON } from './subword';
import { readJsonFile } from '../io/json';

export { CLS_ID, MASK_ID, PAD_ID, SEP_ID, SPECIAL_TOKENS, SubwordCodec, UNK_ID, normaliseText } from './subword';
export type { Encoding, TokenizerBuildOptions, TokenizerJSON } from './subword';

export class SubwordTokenizer extends SubwordCodec {
  static load(file: string): SubwordTokenizer {
    const json = readJsonFile(file, 'tokenizer') as TokenizerJSON;
    try {
      return SubwordTokenizer.fromJSON(json);
    } catch (e) {
      throw new Error(`${file}: ${(e as Error).message}`);
    }
  }

  save(file: string): void {
    fs.writeFileSync(file, JSON.stringify(this.toJSON()));
  }
}
