import { expect } from 'chai';
import { Dataset, EMOJI_CATEGORIES, loadDataset } from '../../lib/data';

// One decode per style and size per process (memoised; warm from the disk cache after the first run).
const SIZE = 16;
const load = (spec: string, split: 'train' | 'test') => loadDataset(spec, { split, imageSize: SIZE });
const ids = (d: Dataset) => Array.from({ length: d.size }, (_, i) => d.meta(i).id);
const bases = (d: Dataset) => new Set(Array.from({ length: d.size }, (_, i) => (d.meta(i).attributes as { base: string }).base));

describe('data: emoji', function () {
  this.timeout(120000);

  it('loads both styles with ~3.8k images, 9 classes and human captions', async () => {
    for (const style of ['google', 'twitter']) {
      const train = await load(`emoji:${style}`, 'train');
      const total = train.splitSizes.train + train.splitSizes.test;
      expect(total).to.be.within(3500, 4000);
      expect(train.splitSizes.test / total).to.be.within(0.1, 0.25);
      expect(train.classNames).to.deep.equal(EMOJI_CATEGORIES);
      const item = train.get(0);
      expect(item.image.length).to.equal(SIZE * SIZE * 3);
      expect(Math.max(...item.image)).to.be.at.most(1);
      expect(item.image.some((v) => v < 0.8), 'not blank').to.equal(true);
      expect(item.captions[0]).to.equal('grinning face');
      expect(item.label).to.equal(0);
      const labels = new Set(Array.from({ length: train.size }, (_, i) => train.meta(i).label));
      expect(labels.size).to.equal(9);
    }
  });

  it('splits by base emoji: no emoji (nor its skin tones) in both splits', async () => {
    const train = await load('emoji:google', 'train');
    const test = await load('emoji:google', 'test');
    const trainIds = new Set(ids(train));
    expect(ids(test).filter((id) => trainIds.has(id))).to.deep.equal([]);
    const trainBases = bases(train);
    expect([...bases(test)].filter((b) => trainBases.has(b))).to.deep.equal([]);
    const toned = Array.from({ length: train.size }, (_, i) => train.meta(i)).filter((m) => (m.attributes as { skinTone: string | null }).skinTone);
    expect(toned.length).to.be.greaterThan(1000);
  });

  it('shares ids, captions and labels across styles, with different artwork', async () => {
    for (const split of ['train', 'test'] as const) {
      const g = await load('emoji:google', split);
      const t = await load('emoji:twitter', split);
      expect(ids(g)).to.deep.equal(ids(t));
      expect(g.meta(10).captions).to.deep.equal(t.meta(10).captions);
      expect(g.meta(10).label).to.equal(t.meta(10).label);
      expect(Array.from(g.get(10).image)).to.not.deep.equal(Array.from(t.get(10).image));
    }
  });
});
