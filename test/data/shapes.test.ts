import { expect } from 'chai';
import { COLOUR_NAMES, RELATIONS, SHAPES, SIZES, loadDataset } from '../../lib/data';

const VOCAB: Record<string, readonly string[]> = { colour: COLOUR_NAMES, shape: SHAPES, size: SIZES, relation: RELATIONS };

/** Is `neg` equal to `caption` with one whole-word occurrence of `from` replaced by `to`? */
function isOneSwap(caption: string, neg: string, from: string, to: string): boolean {
  const split = (t: string) => t.match(/[a-z]+|[^a-z\s]/g) ?? [];
  const words = split(caption);
  const fromWords = split(from);
  for (let i = 0; i + fromWords.length <= words.length; i++) {
    if (words.slice(i, i + fromWords.length).join(' ') !== from) continue;
    const swapped = [...words.slice(0, i), ...split(to), ...words.slice(i + fromWords.length)].join(' ');
    if (swapped === split(neg).join(' ')) return true;
  }
  return false;
}

describe('data: shapes', () => {
  it('has the configured sizes, default sizes, classes and valid images', async () => {
    const train = await loadDataset('shapes', { size: 50, imageSize: 24 });
    expect(train.size).to.equal(50);
    expect(train.splitSizes).to.deep.equal({ train: 50, test: 500 });
    expect((await loadDataset('shapes', { split: 'test' })).size).to.equal(500);
    expect(train.classNames).to.deep.equal([...SHAPES]);
    const item = train.get(7);
    expect(item.image.length).to.equal(24 * 24 * 3);
    expect(Math.min(...item.image)).to.be.at.least(0);
    expect(Math.max(...item.image)).to.be.at.most(1);
    expect(item.image.some((v) => v < 0.9), 'something is drawn').to.equal(true);
    expect(item.label).to.equal(SHAPES.indexOf((item.attributes as { objects: { shape: never }[] }).objects[0].shape));
    expect(() => train.get(50)).to.throw(/out of range/);
  });

  it("split 'all' is the train scenes followed by the test scenes", async () => {
    const train = await loadDataset('shapes', { size: 3, seed: 2 });
    const test = await loadDataset('shapes', { size: 3, seed: 2, split: 'test' });
    const all = await loadDataset('shapes', { size: 3, seed: 2, split: 'all', imageSize: 16 });
    expect(all.split).to.equal('all');
    expect(all.size).to.equal(6);
    const ids = Array.from({ length: 6 }, (_, i) => all.meta(i).id);
    expect(ids).to.deep.equal([0, 1, 2].map((i) => train.meta(i).id).concat([0, 1, 2].map((i) => test.meta(i).id)));
    expect(all.get(4).captions).to.deep.equal(test.get(1).captions);
    expect(all.get(4).image.length).to.equal(16 * 16 * 3);
    expect(() => all.get(6)).to.throw(/out of range/);
    expect(() => all.meta(-1)).to.throw(/out of range/);
  });

  it('is deterministic per seed and index, and differs across seeds and splits', async () => {
    const a = await loadDataset('shapes', { size: 20, seed: 3 });
    const b = await loadDataset('shapes', { size: 400, seed: 3 });
    const c = await loadDataset('shapes', { size: 20, seed: 4 });
    const t = await loadDataset('shapes', { size: 20, seed: 3, split: 'test' });
    for (const i of [0, 5, 19]) {
      expect(b.get(i).captions).to.deep.equal(a.get(i).captions);
      expect(Array.from(b.get(i).image)).to.deep.equal(Array.from(a.get(i).image));
    }
    const caps = (d: typeof a) => Array.from({ length: 20 }, (_, i) => d.meta(i).captions[0]).join('|');
    expect(caps(c)).to.not.equal(caps(a));
    expect(caps(t)).to.not.equal(caps(a));
  });

  it('has 1-3 objects, relations only for two, and hard negatives that swap exactly one attribute', async () => {
    const d = await loadDataset('shapes', { size: 200 });
    const kinds = new Set<string>();
    const counts = new Set<number>();
    for (let i = 0; i < d.size; i++) {
      const m = d.meta(i);
      const attrs = m.attributes as { count: number; relation?: string };
      counts.add(attrs.count);
      expect(attrs.relation !== undefined).to.equal(attrs.count === 2);
      expect(m.captions.length).to.be.at.least(2);
      for (const neg of m.negatives!) {
        kinds.add(neg.kind);
        const caption = m.captions[neg.captionIndex];
        expect(VOCAB[neg.kind]).to.include(neg.from);
        expect(VOCAB[neg.kind]).to.include(neg.to);
        expect(neg.to).to.not.equal(neg.from);
        expect(isOneSwap(caption, neg.caption, neg.from, neg.to), `${caption} -> ${neg.caption}`).to.equal(true);
        expect(m.captions).to.not.include(neg.caption);
      }
      const perCaption = m.captions.map((_, k) => new Set(m.negatives!.filter((n) => n.captionIndex === k).map((n) => n.kind)));
      perCaption.forEach((s) => expect([...s]).to.include.members(['colour', 'shape', 'size']));
    }
    expect([...counts].sort()).to.deep.equal([1, 2, 3]);
    expect([...kinds].sort()).to.deep.equal(['colour', 'relation', 'shape', 'size']);
  });

  it('places two-object scenes so the stated relation holds', async () => {
    const d = await loadDataset('shapes', { size: 200 });
    for (let i = 0; i < d.size; i++) {
      const s = d.meta(i).attributes as { relation?: string; objects: { x: number; y: number }[] };
      if (!s.relation) continue;
      const [a, b] = s.objects;
      const ok = { 'left of': a.x < b.x - 0.3, 'right of': a.x > b.x + 0.3, above: a.y < b.y - 0.3, below: a.y > b.y + 0.3 }[s.relation];
      expect(ok, `${s.relation} ${JSON.stringify(s.objects)}`).to.equal(true);
    }
  });
});
