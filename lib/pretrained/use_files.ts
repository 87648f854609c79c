/**
 * Where the real USE-lite files live and how to get them. The URLs are the ones the package
 * @tensorflow-models/universal-sentence-encoder@1.3.3 loads by default (dist/index.js: `loadModel`
 * with `fromTFHub: true`, which appends `/model.json?tfjs-format=file`; and `BASE_PATH/vocab.json`);
 * a test checks they still appear verbatim in the installed package.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readJsonFile } from '../io/json';

export const USE_ENV_VAR = 'MVLM_USE_DIR';
export const USE_TFHUB_MODEL_URL = 'https://tfhub.dev/tensorflow/tfjs-model/universal-sentence-encoder-lite/1/default/1';
export const USE_VOCAB_URL = 'https://storage.googleapis.com/tfjs-models/savedmodel/universal_sentence_encoder/vocab.json';
/** tfhub's query parameter for raw files (the package's `fromTFHub` adds it). */
const TFHUB_FILE = '?tfjs-format=file';
/** The shard names model.json listed when this was written; model.json's weightsManifest is authoritative. */
export const USE_DEFAULT_SHARDS = Array.from({ length: 7 }, (_, i) => `group1-shard${i + 1}of7`);
/** Suggested location when neither --dir nor MVLM_USE_DIR is given. */
export const USE_SUGGESTED_DIR = path.join('models', 'use-lite');

/** `dir`, else $MVLM_USE_DIR, else undefined. */
export function useDirFromEnv(dir?: string): string | undefined {
  return dir ?? (process.env[USE_ENV_VAR] || undefined);
}

/** Shard paths listed in `<dir>/model.json`, or null when it is absent or unreadable. */
function listedShards(dir: string): string[] | null {
  try {
    const json = readJsonFile(path.join(dir, 'model.json'), 'model') as { weightsManifest: { paths: string[] }[] };
    return (json.weightsManifest as { paths: string[] }[]).flatMap((g) => g.paths);
  } catch {
    return null;
  }
}

export type UseFilesStatus = { ok: true; dir: string } | { ok: false; dir?: string; reason: string };

/**
 * Whether the USE files are present (a cheap check for `compare` to skip the LiT arm with a
 * reason): model.json, every shard it lists, and vocab.json. Does not load or validate weights.
 */
export function useFilesStatus(dir?: string): UseFilesStatus {
  const resolved = useDirFromEnv(dir);
  if (resolved === undefined) {
    return { ok: false, reason: `no USE directory: set ${USE_ENV_VAR} or pass --dir (see \`mvlm use fetch-instructions\`)` };
  }
  const missing = ['model.json', 'vocab.json', ...(listedShards(resolved) ?? [])].filter(
    (f) => !fs.existsSync(path.join(resolved, f)),
  );
  if (missing.length > 0) {
    const files = missing.map((f) => path.join(resolved, f)).join(', ');
    return { ok: false, dir: resolved, reason: `USE files missing: ${files} (see \`mvlm use fetch-instructions\`)` };
  }
  return { ok: true, dir: resolved };
}

/** Exact download instructions for a machine with internet access. */
export function useFetchInstructions(dir?: string): string {
  const target = useDirFromEnv(dir) ?? USE_SUGGESTED_DIR;
  const shards = (fs.existsSync(target) && listedShards(target)) || USE_DEFAULT_SHARDS;
  const q = (s: string) => `'${s}'`;
  const lines = [
    'mvlm uses USE-lite (the Universal Sentence Encoder lite, tfjs graph model) as a frozen text tower.',
    'It is read from local files only. With internet access, download into one directory:',
    '',
    `  mkdir -p ${q(target)} && cd ${q(target)}`,
    '',
    '1. The tfhub USE-lite tfjs model (the URL @tensorflow-models/universal-sentence-encoder loads by default):',
    `     ${USE_TFHUB_MODEL_URL}`,
    '   model.json, then every weight shard listed in its weightsManifest[].paths',
    `   (${shards.length} files: ${shards[0]} ... ${shards[shards.length - 1]}):`,
    '',
    `  curl -fL -o model.json '${USE_TFHUB_MODEL_URL}/model.json${TFHUB_FILE}'`,
    ...shards.map((s) => `  curl -fL -o ${s} '${USE_TFHUB_MODEL_URL}/${s}${TFHUB_FILE}'`),
    '',
    '   (tfhub.dev now redirects to Kaggle Models; `curl -L` follows it. If these URLs stop serving',
    '   files, download the TF.js "lite" variant of the Universal Sentence Encoder from kaggle.com/models',
    '   and unpack its model.json and shards into the same directory.)',
    '',
    '2. The tokenizer vocabulary (the URL the package uses):',
    '',
    `  curl -fL -o vocab.json '${USE_VOCAB_URL}'`,
    '',
    `Then point mvlm at the directory and check it:`,
    '',
    `  export ${USE_ENV_VAR}=${q(path.resolve(target))}`,
    '  mvlm use check',
  ];
  return lines.join('\n');
}
