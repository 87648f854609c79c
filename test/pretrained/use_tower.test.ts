import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { loadUseTower, UseTower, useSparseInputs } from '../../lib/pretrained';
import { expectNoLeak, maxRelError } from '../helpers';
import { makeTinyUse, rejection } from './tiny_dir';

const SEP = '\u2581';

/** Hand computation in float64: L2-normalised mean of the pieces' embedding rows. */
function expectedEmbedding(ids: number[], table: Float32Array, dim: number): number[] {
  const mean = new Array<number>(dim).fill(0);
  for (const id of ids) for (let d = 0; d < dim; d++) mean[d] += table[id * dim + d] / ids.length;
  const norm = Math.sqrt(mean.reduce((a, v) => a + v * v, 0));
  return mean.map((v) => v / norm);
}

/** Count graph executions by wrapping the model's execute/executeAsync. */
function countModelCalls(tower: UseTower): () => number {
  let calls = 0;
  const model = tower.model as unknown as Record<'execute' | 'executeAsync', (...a: unknown[]) => unknown>;
  for (const key of ['execute', 'executeAsync'] as const) {
    const original = model[key].bind(model);
    model[key] = (...a: unknown[]) => {
      calls++;
      return original(...a);
    };
  }
  return () => calls;
}

describe('pretrained/use_tower (tiny USE-format model)', () => {
  let tiny: ReturnType<typeof makeTinyUse>;
  let tower: UseTower;
  const idOf = (piece: string) => tiny.vocab.findIndex(([p]) => p === piece);

  before(async () => {
    tiny = makeTinyUse(3);
    tower = await loadUseTower({ modelDir: tiny.modelDir, vocabPath: tiny.vocabPath });
  });
  after(() => {
    tower.dispose();
    tiny.cleanup();
  });

  it("tokenises with the package's SentencePiece tokenizer and the vocab.json pieces", () => {
    expect(tower.tokenize('a cat')).to.deep.equal([idOf(SEP + 'a'), idOf(SEP + 'cat')]);
    // An unknown word falls back to the word boundary and single letters.
    expect(tower.tokenize('zoo')).to.deep.equal([idOf(SEP), idOf('z'), idOf('o'), idOf('o')]);
  });

  it('builds the sparse inputs as the package embed() does: (sentence, position) pairs and ids', async () => {
    await expectNoLeak(async () => {
      const { indices, values } = useSparseInputs([[7, 8], [9]]);
      expect(indices.dtype).to.equal('int32');
      expect(values.dtype).to.equal('int32');
      expect(await indices.array()).to.deep.equal([[0, 0], [0, 1], [1, 0]]);
      expect(await values.array()).to.deep.equal([7, 8, 9]);
      tf.dispose([indices, values]);
    });
  });

  it('embed returns [B, 512] equal to the hand-computed normalised piece means, with unit norm', async () => {
    const texts = ['a cat sits on the mat', 'the dog runs', 'zoo', 'a a a cat'];
    await expectNoLeak(async () => {
      const emb = await tower.embed(texts);
      expect(emb.shape).to.deep.equal([texts.length, 512]);
      expect(emb.dtype).to.equal('float32');
      const rows = (await emb.array()) as number[][];
      texts.forEach((text, i) => {
        const want = expectedEmbedding(tower.tokenize(text), tiny.embeddings, tiny.dim);
        expect(maxRelError(rows[i], want, 1e-3), text).to.be.below(1e-4);
        const norm = Math.sqrt(rows[i].reduce((a, v) => a + v * v, 0));
        expect(norm).to.be.closeTo(1, 1e-5);
      });
      // Distinct sentences give distinct rows (the test would pass on a constant otherwise).
      expect(maxRelError(rows[0], rows[1])).to.be.above(0.1);
      emb.dispose();
    });
  });

  it('a row does not depend on the rest of the batch', async () => {
    await expectNoLeak(async () => {
      const fresh = await loadUseTower({ modelDir: tiny.modelDir, cacheSize: 0 });
      const pair = await fresh.embed(['the red bird', 'a blue car']);
      const alone = await fresh.embed(['a blue car']);
      const [p, a] = [(await pair.array())[1], (await alone.array())[0]];
      expect(maxRelError(p, a, 1e-3)).to.be.below(1e-6);
      tf.dispose([pair, alone]);
      fresh.dispose();
    });
  });

  it('caches by caption: a fixed caption set runs the model once across steps', async () => {
    const captions = ['a cat on the mat', 'a dog in the sky', 'the red car'];
    const fresh = await loadUseTower({ modelDir: tiny.modelDir, cacheSize: 100 });
    const calls = countModelCalls(fresh);
    await expectNoLeak(async () => {
      const first = await fresh.embed(captions);
      expect(fresh.cacheStats()).to.include({ hits: 0, misses: 3, size: 3 });
      const firstRows = await first.array();
      first.dispose();
      for (let step = 0; step < 3; step++) {
        const again = await fresh.embed([...captions].reverse());
        expect(await again.array()).to.deep.equal([...firstRows].reverse());
        again.dispose();
      }
      expect(fresh.cacheStats()).to.include({ hits: 9, misses: 3, size: 3 });
      expect(calls()).to.equal(1);
      // One new caption among cached ones: one more model call, for that caption only.
      const mixed = await fresh.embed(['the red car', 'a bird']);
      mixed.dispose();
      expect(fresh.cacheStats()).to.include({ hits: 10, misses: 4, size: 4 });
      expect(calls()).to.equal(2);
    });
    fresh.dispose();
  });

  it('the cache is bounded (least recently used goes first); duplicates in a batch embed once', async () => {
    const fresh = await loadUseTower({ modelDir: tiny.modelDir, cacheSize: 2, maxBatch: 2 });
    const calls = countModelCalls(fresh);
    await expectNoLeak(async () => {
      const a = await fresh.embed(['a cat', 'a dog', 'a cat', 'a bird', 'a car']);
      expect(a.shape).to.deep.equal([5, 512]);
      const rows = await a.array();
      expect(rows[2]).to.deep.equal(rows[0]);
      a.dispose();
      expect(calls()).to.equal(2); // 4 distinct captions, maxBatch 2
      expect(fresh.cacheStats()).to.include({ size: 2, capacity: 2, evictions: 2, misses: 4 });
      const b = await fresh.embed(['a car', 'a cat']); // 'a car' kept, 'a cat' evicted
      b.dispose();
      expect(fresh.cacheStats()).to.include({ hits: 1, misses: 5 });
    });
    fresh.dispose();
  });

  it('rejects empty, non-string and token-less input with a clear message', async () => {
    expect(await rejection(tower.embed([]))).to.include('non-empty array');
    expect(await rejection(tower.embed(['ok', 3 as unknown as string]))).to.include('texts[1]');
    expect(await expectNoLeak(() => rejection(tower.embed(['a cat', ''])))).to.include('"" has no tokens');
  });

  it('an output width other than dim fails naming model.json and both shapes', async () => {
    const fresh = await loadUseTower({ modelDir: tiny.modelDir, dim: 256 });
    const msg = await expectNoLeak(() => rejection(fresh.embed(['a cat'])));
    expect(msg).to.include(path.join(tiny.modelDir, 'model.json')).and.include('[1,512]').and.include('[1,256]');
    fresh.dispose();
  });

  it('a missing or malformed vocab.json fails naming the file', async () => {
    const vocab = path.join(tiny.modelDir, 'other_vocab.json');
    expect(await rejection(loadUseTower({ modelDir: tiny.modelDir, vocabPath: vocab }))).to.include(vocab);
    fs.writeFileSync(vocab, JSON.stringify([['<unk>', 0], ['x', 'high']]));
    expect(await rejection(loadUseTower({ modelDir: tiny.modelDir, vocabPath: vocab })))
      .to.include(vocab).and.include('entry 1');
  });

  it('load, embed and dispose leave no tensors behind', async () => {
    await expectNoLeak(async () => {
      const fresh = await loadUseTower({ modelDir: tiny.modelDir });
      (await fresh.embed(['a cat'])).dispose();
      fresh.dispose();
    });
  });
});
