/**
 * A frozen pretrained text tower (LiT): sentence embeddings from the Universal Sentence Encoder,
 * computed outside autograd and cached by caption, so training only reads constants.
 */
import * as tf from '@tensorflow/tfjs';
import { UseTower, loadUseTower, useDirFromEnv } from '../pretrained';

export class FrozenTextEncoder {
  private readonly rows = new Map<string, Float32Array>();

  constructor(readonly tower: UseTower) {}

  get dim(): number {
    return this.tower.dim;
  }

  /** Embed (once) every caption not seen yet; async because the graph model may need executeAsync. */
  async ensure(captions: readonly string[], batchSize = 256): Promise<void> {
    const todo = [...new Set(captions)].filter((c) => !this.rows.has(c));
    for (let i = 0; i < todo.length; i += batchSize) {
      const chunk = todo.slice(i, i + batchSize);
      const emb = await this.tower.embed(chunk);
      const data = (await emb.data()) as Float32Array;
      emb.dispose();
      chunk.forEach((c, j) => this.rows.set(c, data.slice(j * this.dim, (j + 1) * this.dim)));
    }
  }

  /** Cached embeddings [B, dim] of captions embedded before by `ensure` (a constant for autograd). */
  lookup(captions: readonly string[]): tf.Tensor2D {
    const out = new Float32Array(captions.length * this.dim);
    captions.forEach((c, i) => {
      const row = this.rows.get(c);
      if (!row) throw new Error(`frozen text tower: caption ${JSON.stringify(c)} was not embedded (call ensure() first)`);
      out.set(row, i * this.dim);
    });
    return tf.tensor2d(out, [captions.length, this.dim]);
  }

  get cached(): number {
    return this.rows.size;
  }

  dispose(): void {
    this.tower.dispose();
    this.rows.clear();
  }
}

/** Load the USE-lite tower from `modelDir` (or $MVLM_USE_DIR), with its vocab.json. */
export async function loadFrozenText(modelDir?: string, vocab?: string): Promise<FrozenTextEncoder> {
  const dir = modelDir ?? useDirFromEnv();
  if (!dir) throw new Error('model.textTower.kind "use" needs model.textTower.modelDir or MVLM_USE_DIR (see `mvlm use fetch-instructions`)');
  // this encoder keeps every caption it embeds; the tower's own LRU cache would hold them twice
  return new FrozenTextEncoder(await loadUseTower({ modelDir: dir, vocabPath: vocab, cacheSize: 0 }));
}
