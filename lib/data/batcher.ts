/**
 * Batches of tensors from a dataset and a tokenizer. The epoch order is a seeded permutation (the
 * same seed gives the same order), an item with several captions gets one caption per epoch drawn
 * from the seeded stream of (epoch, item), and any batch can be built alone (`batch(epoch, b)`).
 * Pixels and ids are assembled in JS and become exactly the tensors returned.
 */
import * as tf from '@tensorflow/tfjs';
import { Rng } from '../random';
import { SubwordTokenizer } from './tokenizer';
import { Augmentation, NO_NORMALISATION, Normalisation, augmentImage, normaliseInto } from './transform';
import { Dataset } from './types';

export interface BatcherOptions {
  dataset: Dataset;
  tokenizer: SubwordTokenizer;
  batchSize: number;
  /** Tokens per caption, [CLS] and [SEP] included. */
  maxLen: number;
  seed: number;
  /** Shuffle each epoch (default true); false keeps dataset order. */
  shuffle?: boolean;
  /** Drop a last, smaller batch (default false). */
  dropLast?: boolean;
  /** 'random' (default): a seeded caption per item per epoch; 'first': always caption 0. */
  captionChoice?: 'random' | 'first';
  augment?: Augmentation;
  /** Default: none (images stay in [0, 1]). */
  normalisation?: Normalisation;
}

export interface Batch {
  /** float32 [B, S, S, 3], normalised. */
  images: tf.Tensor4D;
  /** int32 [B, T] */
  tokens: tf.Tensor2D;
  /** The same ids on the host, [B][T] (text masking reads these; no device read per step). */
  tokenRows: number[][];
  /** float32 [B, T], 1 on real tokens. */
  attention: tf.Tensor2D;
  /** [B][T] first piece of each word (for whole-word masking; plain JS, as the masking takes it). */
  wordStarts: boolean[][];
  /** int32 [B], when the dataset has labels. */
  labels?: tf.Tensor1D;
  /** [B] which caption of each item was used. */
  captionIndex: number[];
  /** [B] the captions used. */
  captions: string[];
  /** [B] item ids. */
  ids: string[];
  /** [B] dataset indices. */
  indices: number[];
}

/** Dispose every tensor of a batch. */
export function disposeBatch(batch: Batch): void {
  tf.dispose([batch.images, batch.tokens, batch.attention, ...(batch.labels ? [batch.labels] : [])]);
}

export class Batcher {
  private readonly o: BatcherOptions;
  private readonly root: Rng;
  /** The last epoch's order: `batch(epoch, b)` runs once per step and the permutation is O(dataset). */
  private order?: { epoch: number; indices: number[] };

  constructor(options: BatcherOptions) {
    const { batchSize, maxLen, dataset } = options;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new Error(`Batcher: batchSize must be a positive integer, got ${batchSize}`);
    if (!Number.isInteger(maxLen) || maxLen < 2) throw new Error(`Batcher: maxLen must be an integer >= 2, got ${maxLen}`);
    if (dataset.size < 1) throw new Error(`Batcher: dataset ${dataset.name} (${dataset.split}) is empty`);
    this.o = options;
    this.root = new Rng(options.seed);
  }

  /** Batches per epoch. */
  get numBatches(): number {
    const n = this.o.dataset.size / this.o.batchSize;
    return this.o.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  /** Dataset indices in the order epoch `epoch` visits them. */
  epochOrder(epoch: number): number[] {
    return [...this.cachedOrder(epoch)];
  }

  private cachedOrder(epoch: number): number[] {
    if (this.order?.epoch !== epoch) {
      const n = this.o.dataset.size;
      const indices = this.o.shuffle === false ? Array.from({ length: n }, (_, i) => i) : this.root.fork(`order:${epoch}`).permutation(n);
      this.order = { epoch, indices };
    }
    return this.order.indices;
  }

  /** Batch `b` of epoch `epoch` (the caller disposes it: `disposeBatch`). */
  batch(epoch: number, b: number): Batch {
    if (!Number.isInteger(b) || b < 0 || b >= this.numBatches) throw new Error(`Batcher.batch: batch ${b} out of range [0, ${this.numBatches})`);
    const indices = this.cachedOrder(epoch).slice(b * this.o.batchSize, (b + 1) * this.o.batchSize);
    return this.assemble(epoch, indices);
  }

  /** All batches of an epoch, in order. */
  *epoch(epoch: number): Generator<Batch> {
    for (let b = 0; b < this.numBatches; b++) yield this.batch(epoch, b);
  }

  private assemble(epoch: number, indices: number[]): Batch {
    const { dataset, tokenizer, maxLen } = this.o;
    const S = dataset.imageSize;
    const B = indices.length;
    const pixels = new Float32Array(B * S * S * 3);
    const tokens = new Int32Array(B * maxLen);
    const attention = new Float32Array(B * maxLen);
    const labels = new Int32Array(B);
    const wordStarts: boolean[][] = [];
    const tokenRows: number[][] = [];
    const captionIndex: number[] = [];
    const captions: string[] = [];
    const ids: string[] = [];
    let labelled = true;
    indices.forEach((index, k) => {
      const item = dataset.get(index);
      const rng = this.root.fork(`item:${epoch}:${index}`);
      const c = this.o.captionChoice === 'first' ? 0 : rng.int(item.captions.length);
      const image = this.o.augment ? augmentImage(item.image, S, this.o.augment, rng) : item.image;
      normaliseInto(image, this.o.normalisation ?? NO_NORMALISATION, pixels, k * S * S * 3);
      const enc = tokenizer.encode(item.captions[c], maxLen);
      tokens.set(enc.ids, k * maxLen);
      tokenRows.push(enc.ids);
      attention.set(enc.attention, k * maxLen);
      wordStarts.push(enc.wordStarts.map((w) => w === 1));
      if (item.label === undefined) labelled = false;
      else labels[k] = item.label;
      captionIndex.push(c);
      captions.push(item.captions[c]);
      ids.push(item.id);
    });
    return {
      images: tf.tensor4d(pixels, [B, S, S, 3], 'float32'),
      tokens: tf.tensor2d(tokens, [B, maxLen], 'int32'),
      tokenRows,
      attention: tf.tensor2d(attention, [B, maxLen], 'float32'),
      wordStarts,
      labels: labelled ? tf.tensor1d(labels, 'int32') : undefined,
      captionIndex,
      captions,
      ids,
      indices,
    };
  }
}
