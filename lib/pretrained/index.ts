/** Pretrained towers loaded from local files: the Universal Sentence Encoder (USE-lite) as a frozen text tower. */
export { fileModelHandler, loadGraphModelFromDir, modelJsonPath } from './file_io';
export { EmbeddingCache } from './embedding_cache';
export type { CacheStats } from './embedding_cache';
export { loadUseTokenizer, readUseVocabulary, Tokenizer } from './tokenizer';
export type { Vocabulary } from './tokenizer';
export { loadUseTower, UseTower, useSparseInputs } from './use_tower';
export type { UseTowerOptions } from './use_tower';
export {
  USE_DEFAULT_SHARDS,
  USE_ENV_VAR,
  USE_SUGGESTED_DIR,
  USE_TFHUB_MODEL_URL,
  USE_VOCAB_URL,
  useDirFromEnv,
  useFetchInstructions,
  useFilesStatus,
} from './use_files';
export type { UseFilesStatus } from './use_files';
export { tinyUseVocabulary, writeTinyUseModel } from './tiny_use';
export type { TinyUseModel } from './tiny_use';
