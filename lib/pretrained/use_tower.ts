/**
 * The Universal Sentence Encoder (USE-lite) as a frozen pretrained text tower, loaded from local
 * files: a tfjs graph model directory (`model.json` + shards) and the package's `vocab.json`.
 *
 * Frozen by construction: the graph model's weights are plain tensors (never `tf.Variable`s, so no
 * optimizer or `tf.variableGrads` can see them), and `embed` returns a fresh tensor built from
 * host-side rows, a constant for autograd. Rows are cached by caption text across steps.
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { CacheStats, EmbeddingCache } from './embedding_cache';
import { loadGraphModelFromDir, modelJsonPath } from './file_io';
import { loadUseTokenizer, Tokenizer } from './tokenizer';

export interface UseTowerOptions {
  /** Directory holding `model.json` and its weight shards. */
  modelDir: string;
  /** The tokenizer vocabulary (JSON array of [piece, score]); default `<modelDir>/vocab.json`. */
  vocabPath?: string;
  /** Most distinct captions kept in the embedding cache (LRU); 0 disables it. Default 10000. */
  cacheSize?: number;
  /** Expected embedding width; the model's output is checked against it. Default 512. */
  dim?: number;
  /** Most uncached captions sent to the model in one call. Default 256. */
  maxBatch?: number;
}

/**
 * USE sparse inputs, exactly as the package's `embed()` builds them: `indices` int32 [n, 2] of
 * (sentence, position) and `values` int32 [n] piece ids, n = total pieces over the batch.
 */
export function useSparseInputs(encodings: number[][]): { indices: tf.Tensor2D; values: tf.Tensor1D } {
  const pairs: number[] = [];
  const ids: number[] = [];
  encodings.forEach((pieces, sentence) =>
    pieces.forEach((id, position) => {
      pairs.push(sentence, position);
      ids.push(id);
    }),
  );
  return {
    indices: tf.tensor2d(pairs, [ids.length, 2], 'int32'),
    values: tf.tensor1d(ids, 'int32'),
  };
}

export class UseTower {
  readonly dim: number;
  private readonly cache: EmbeddingCache;
  private readonly maxBatch: number;
  private useAsync = false;
  private disposed = false;

  private constructor(
    readonly model: tf.GraphModel,
    readonly tokenizer: Tokenizer,
    private readonly modelFile: string,
    opts: UseTowerOptions,
  ) {
    this.dim = opts.dim ?? 512;
    this.maxBatch = opts.maxBatch ?? 256;
    this.cache = new EmbeddingCache(opts.cacheSize ?? 10000);
    if (!Number.isInteger(this.maxBatch) || this.maxBatch < 1) {
      throw new Error(`loadUseTower: maxBatch must be a positive integer, got ${opts.maxBatch}`);
    }
  }

  /** Load the graph model and vocabulary; errors name the missing or malformed file. */
  static async load(opts: UseTowerOptions): Promise<UseTower> {
    if (!opts || typeof opts.modelDir !== 'string') throw new Error('loadUseTower: modelDir (a directory path) is required');
    const vocabPath = opts.vocabPath ?? path.join(opts.modelDir, 'vocab.json');
    const tokenizer = loadUseTokenizer(vocabPath); // before the model: cheap, and fails fast
    const model = await loadGraphModelFromDir(opts.modelDir);
    return new UseTower(model, tokenizer, modelJsonPath(opts.modelDir), opts);
  }

  /** The piece ids the package's tokenizer gives `text`. */
  tokenize(text: string): number[] {
    return this.tokenizer.encode(text);
  }

  /**
   * Embeddings of `texts`: [B, dim] float32, a new tensor the caller owns (dispose it). Captions seen
   * before are served from the cache; the rest go through the model in batches of `maxBatch`.
   */
  async embed(texts: string[]): Promise<tf.Tensor2D> {
    if (this.disposed) throw new Error('UseTower.embed: the tower has been disposed');
    if (!Array.isArray(texts) || texts.length === 0) throw new Error('UseTower.embed: texts must be a non-empty array of strings');
    texts.forEach((t, i) => {
      if (typeof t !== 'string') throw new Error(`UseTower.embed: texts[${i}] is ${typeof t}, expected a string`);
    });
    const rows = new Map<string, Float32Array>();
    const missing: string[] = [];
    for (const text of new Set(texts)) {
      const row = this.cache.lookup(text);
      if (row) rows.set(text, row);
      else missing.push(text);
    }
    for (let start = 0; start < missing.length; start += this.maxBatch) {
      const chunk = missing.slice(start, start + this.maxBatch);
      const flat = await this.runModel(chunk);
      chunk.forEach((text, i) => {
        const row = flat.slice(i * this.dim, (i + 1) * this.dim);
        rows.set(text, row);
        this.cache.store(text, row);
      });
    }
    const out = new Float32Array(texts.length * this.dim);
    texts.forEach((text, i) => out.set(rows.get(text)!, i * this.dim));
    return tf.tensor2d(out, [texts.length, this.dim]);
  }

  /** Run the graph on `texts` and return its [texts.length, dim] output as a flat host array. */
  private async runModel(texts: string[]): Promise<Float32Array> {
    const encodings = texts.map((text) => {
      const ids = this.tokenize(text);
      // An empty encoding would silently shift every later sentence's row in the sparse batch.
      if (ids.length === 0) throw new Error(`UseTower.embed: caption ${JSON.stringify(text)} has no tokens`);
      return ids;
    });
    const { indices, values } = useSparseInputs(encodings);
    let result: tf.Tensor | tf.Tensor[] | tf.NamedTensorMap;
    try {
      result = await this.execute({ indices, values });
    } finally {
      indices.dispose();
      values.dispose();
    }
    const tensors = result instanceof tf.Tensor ? [result] : Array.isArray(result) ? result : Object.values(result);
    const out = tensors[0];
    try {
      const want = [texts.length, this.dim];
      if (tensors.length !== 1 || out.dtype !== 'float32' || out.rank !== 2 || out.shape[0] !== want[0] || out.shape[1] !== want[1]) {
        const got = tensors.map((t) => `[${t.shape}]`).join(', ');
        throw new Error(`USE model ${this.modelFile} returned ${got} (${out?.dtype}), expected one float32 output of shape [${want}]`);
      }
      return (await out.data()) as Float32Array;
    } finally {
      tensors.forEach((t) => t.dispose());
    }
  }

  /** `execute` when the graph allows it (no per-call console warning), else `executeAsync` as the package does. */
  private async execute(inputs: tf.NamedTensorMap): Promise<tf.Tensor | tf.Tensor[] | tf.NamedTensorMap> {
    if (!this.useAsync) {
      try {
        return this.model.execute(inputs);
      } catch (e) {
        if (!/executeAsync/.test((e as Error).message)) throw e;
        this.useAsync = true; // dynamic ops (control flow, dynamic shapes) need the async executor
      }
    }
    return this.model.executeAsync(inputs);
  }

  cacheStats(): CacheStats {
    return this.cache.stats();
  }

  clearCache(): void {
    this.cache.clear();
  }

  /** Free the graph model's weights and the cache. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.cache.clear();
    this.model.dispose();
  }
}

/** Load the frozen USE text tower from local files (see `UseTowerOptions`). */
export function loadUseTower(opts: UseTowerOptions): Promise<UseTower> {
  return UseTower.load(opts);
}
