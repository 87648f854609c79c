import { expect } from 'chai';
import { Batcher, HALF_NORMALISATION, SubwordTokenizer, captionCorpus, disposeBatch, flipHorizontal, loadDataset, resizeBilinear } from '../../lib/data';
import { expectNoLeak } from '../helpers';

async function setup() {
  const dataset = await loadDataset('shapes', { size: 10, imageSize: 16 });
  const tokenizer = SubwordTokenizer.build(captionCorpus(dataset));
  return { dataset, tokenizer };
}

describe('data: batcher', () => {
  it('returns tensors of the documented shapes and dtypes, and leaks nothing', async () => {
    const { dataset, tokenizer } = await setup();
    const batcher = new Batcher({ dataset, tokenizer, batchSize: 4, maxLen: 20, seed: 1 });
    expect(batcher.numBatches).to.equal(3);
    await expectNoLeak(() => {
      const batch = batcher.batch(0, 0);
      expect(batch.images.shape).to.deep.equal([4, 16, 16, 3]);
      expect(batch.images.dtype).to.equal('float32');
      expect(batch.tokens.shape).to.deep.equal([4, 20]);
      expect(batch.tokens.dtype).to.equal('int32');
      expect(batch.attention.shape).to.deep.equal([4, 20]);
      expect(batch.attention.dtype).to.equal('float32');
      expect(batch.labels!.dtype).to.equal('int32');
      expect(batch.wordStarts.length).to.equal(4);
      const rows = batch.tokens.arraySync();
      rows.forEach((row, k) => {
        expect(tokenizer.decode(row)).to.equal(batch.captions[k]);
        expect(dataset.meta(batch.indices[k]).captions[batch.captionIndex[k]]).to.equal(batch.captions[k]);
      });
      expect(batch.labels!.arraySync()).to.deep.equal(batch.indices.map((i) => dataset.meta(i).label));
      const pixels = batch.images.dataSync();
      expect(Array.from(pixels.slice(0, 16 * 16 * 3))).to.deep.equal(Array.from(dataset.get(batch.indices[0]).image));
      disposeBatch(batch);
      const last = batcher.batch(0, 2);
      expect(last.images.shape[0]).to.equal(2);
      disposeBatch(last);
    });
  });

  it('has a fixed epoch order and caption choice per seed, a new one per epoch, and covers every item', async () => {
    const { dataset, tokenizer } = await setup();
    const make = (seed: number) => new Batcher({ dataset, tokenizer, batchSize: 4, maxLen: 20, seed });
    const a = make(7);
    const b = make(7);
    expect(a.epochOrder(0)).to.deep.equal(b.epochOrder(0));
    expect([...a.epochOrder(0)].sort((x, y) => x - y)).to.deep.equal(Array.from({ length: 10 }, (_, i) => i));
    expect(a.epochOrder(1)).to.not.deep.equal(a.epochOrder(0));
    expect(make(8).epochOrder(0)).to.not.deep.equal(a.epochOrder(0));
    const captionsOf = (batcher: Batcher, epoch: number) => {
      const out: string[] = [];
      for (const batch of batcher.epoch(epoch)) {
        out.push(...batch.captions);
        disposeBatch(batch);
      }
      return out;
    };
    await expectNoLeak(() => {
      expect(captionsOf(a, 0)).to.deep.equal(captionsOf(b, 0));
      const choices = new Set<string>();
      for (let e = 0; e < 6; e++) choices.add(captionsOf(a, e).join('|'));
      expect(choices.size).to.be.greaterThan(1);
    });
    const dropped = new Batcher({ dataset, tokenizer, batchSize: 4, maxLen: 20, seed: 7, dropLast: true });
    expect(dropped.numBatches).to.equal(2);
  });

  it('normalises per channel and applies seeded augmentation only when asked', async () => {
    const { dataset, tokenizer } = await setup();
    const opts = { dataset, tokenizer, batchSize: 2, maxLen: 16, seed: 3, shuffle: false };
    await expectNoLeak(() => {
      const plain = new Batcher(opts).batch(0, 0);
      const half = new Batcher({ ...opts, normalisation: HALF_NORMALISATION }).batch(0, 0);
      const p = plain.images.dataSync();
      const h = half.images.dataSync();
      expect(Math.abs(h[5] - (p[5] - 0.5) / 0.5)).to.be.below(1e-6);
      const aug1 = new Batcher({ ...opts, augment: { randomResizedCrop: {}, horizontalFlip: true } }).batch(0, 0);
      const aug2 = new Batcher({ ...opts, augment: { randomResizedCrop: {}, horizontalFlip: true } }).batch(0, 0);
      expect(Array.from(aug1.images.dataSync())).to.deep.equal(Array.from(aug2.images.dataSync()));
      expect(Array.from(aug1.images.dataSync())).to.not.deep.equal(Array.from(p));
      [plain, half, aug1, aug2].forEach(disposeBatch);
    });
  });

  it('resizes and flips float images exactly', () => {
    const img = new Float32Array([0, 0, 0, 1, 1, 1, 0.5, 0.5, 0.5, 0.25, 0.25, 0.25]); // [2, 2, 3]
    expect(Array.from(resizeBilinear(img, 2, 2, 2, 2))).to.deep.equal(Array.from(img));
    expect(Array.from(flipHorizontal(img, 2))).to.deep.equal([1, 1, 1, 0, 0, 0, 0.25, 0.25, 0.25, 0.5, 0.5, 0.5]);
    const one = resizeBilinear(img, 2, 2, 1, 1);
    expect(one[0]).to.be.closeTo((0 + 1 + 0.5 + 0.25) / 4, 1e-6);
    expect(() => resizeBilinear(img, 3, 2, 1, 1)).to.throw(/expected \[3, 2, 3\]/);
  });

  it('rejects bad options', async () => {
    const { dataset, tokenizer } = await setup();
    expect(() => new Batcher({ dataset, tokenizer, batchSize: 0, maxLen: 8, seed: 0 })).to.throw(/batchSize/);
    expect(() => new Batcher({ dataset, tokenizer, batchSize: 2, maxLen: 1, seed: 0 })).to.throw(/maxLen/);
    expect(() => new Batcher({ dataset, tokenizer, batchSize: 2, maxLen: 8, seed: 0 }).batch(0, 5)).to.throw(/out of range/);
  });
});
