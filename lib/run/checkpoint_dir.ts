/** Finding a checkpoint and its tokenizer from what a user names: a run folder or a checkpoint. */
import * as fs from 'fs';
import * as path from 'path';
import { SubwordTokenizer, TokenizerJSON } from '../data';
import { parseJson } from '../io/json';
import { listCheckpoints, newestGoodCheckpoint, readCheckpointFile } from '../train';

export const TOKENIZER_FILE = 'tokenizer.json';

/**
 * `dir` is a checkpoint (`.../checkpoints/step-N`, used as is) or a run folder (its newest
 * checkpoint that verifies; damaged newer ones are skipped with a warning).
 */
export function resolveCheckpoint(dir: string, warn: (msg: string) => void = console.warn): string {
  if (fs.existsSync(path.join(dir, 'state.json'))) return dir;
  if (listCheckpoints(dir).length === 0) throw new Error(`${dir}: neither a checkpoint (no state.json) nor a run folder with checkpoints/`);
  return newestGoodCheckpoint(dir, warn);
}

/** The tokenizer saved in checkpoint `dir` (checked against its manifest). */
export function checkpointTokenizer(dir: string): SubwordTokenizer {
  const file = path.join(dir, TOKENIZER_FILE);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing (the checkpoint has no tokenizer)`);
  return SubwordTokenizer.fromJSON(parseJson(readCheckpointFile(dir, TOKENIZER_FILE), file) as TokenizerJSON);
}
