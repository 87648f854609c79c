/**
 * A bounded least-recently-used cache of sentence embeddings keyed by the exact text. Rows are
 * stored as Float32Arrays (not tensors), so the cache holds no GPU/wasm memory and cannot leak
 * tensors; a fixed caption set is embedded once and then served from here on every step.
 */
export interface CacheStats {
  /** Lookups served from the cache. */
  hits: number;
  /** Lookups that had to run the model. */
  misses: number;
  /** Rows dropped to stay within capacity. */
  evictions: number;
  size: number;
  capacity: number;
}

export class EmbeddingCache {
  private readonly rows = new Map<string, Float32Array>();
  private hits = 0;
  private misses = 0;
  private evictions = 0;

  /** `capacity` rows at most (0 disables caching). */
  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new Error(`EmbeddingCache: capacity must be a non-negative integer, got ${capacity}`);
    }
  }

  /** The cached row for `text` (marking it recently used), counting a hit or a miss. */
  lookup(text: string): Float32Array | undefined {
    const row = this.rows.get(text);
    if (row === undefined) {
      this.misses++;
      return undefined;
    }
    this.hits++;
    // Map keeps insertion order: re-insert so the oldest entry is the least recently used.
    this.rows.delete(text);
    this.rows.set(text, row);
    return row;
  }

  store(text: string, row: Float32Array): void {
    if (this.capacity === 0) return;
    this.rows.delete(text);
    this.rows.set(text, row);
    while (this.rows.size > this.capacity) {
      const oldest = this.rows.keys().next().value as string;
      this.rows.delete(oldest);
      this.evictions++;
    }
  }

  has(text: string): boolean {
    return this.rows.has(text);
  }

  stats(): CacheStats {
    return { hits: this.hits, misses: this.misses, evictions: this.evictions, size: this.rows.size, capacity: this.capacity };
  }

  clear(): void {
    this.rows.clear();
    this.hits = this.misses = this.evictions = 0;
  }
}
