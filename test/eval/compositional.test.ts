import { expect } from 'chai';
import { compositionalSamples, compositionalProbe, compositionalScores } from '../../lib/eval';
import { expectNoLeak } from '../helpers';

describe('eval/compositionalProbe', () => {
  it('per-kind accuracy on a hand-made list; ties count as wrong', () => {
    const r = compositionalProbe({
      scores: [
        { kind: 'colour', positive: 0.9, negative: 0.1 },
        { kind: 'colour', positive: 0.2, negative: 0.3 },
        { kind: 'shape', positive: 0.5, negative: 0.4 },
        { kind: 'size', positive: 0.5, negative: 0.5 }, // tie -> wrong
        { kind: 'relation', positive: 0.1, negative: 0.2 },
        { kind: 'relation', positive: 0.3, negative: 0.2 },
        { kind: 'relation', positive: 0.4, negative: 0.2 },
      ],
    });
    expect(r.perKind).to.deep.equal({ colour: 0.5, shape: 1, size: 0, relation: 2 / 3 });
    expect(r.counts).to.deep.equal({ colour: 2, shape: 1, size: 1, relation: 3 });
    expect(r.overall).to.be.closeTo(4 / 7, 1e-12);
    expect(r.macro).to.be.closeTo((0.5 + 1 + 0 + 2 / 3) / 4, 1e-12);
  });

  it('scores from embeddings by cosine similarity, one per negative', async () => {
    const imageEmb = [[1, 0, 0], [0, 1, 0]];
    const positiveEmb = [[2, 0.1, 0], [0, 1, 1]]; // cos 0.9988, 0.7071
    const negativeEmb = [[0, 1, 0], [1, 1, 0], [0, 3, 0]]; // vs image 0: 0, 0.7071; vs image 1: 1
    const scores = await expectNoLeak(() => compositionalScores({
      imageEmb, positiveEmb, negativeEmb, negativeImage: [0, 0, 1], negativeKind: ['colour', 'shape', 'size'],
    }));
    expect(scores.map((s) => s.kind)).to.deep.equal(['colour', 'shape', 'size']);
    expect(scores[0].positive).to.be.closeTo(2 / Math.hypot(2, 0.1), 1e-6);
    expect(scores[1].negative).to.be.closeTo(Math.SQRT1_2, 1e-6);
    expect(scores[2].positive).to.be.closeTo(Math.SQRT1_2, 1e-6);
    expect(scores[2].negative).to.be.closeTo(1, 1e-6);
    expect(compositionalProbe({ scores }).perKind).to.deep.equal({ colour: 1, shape: 1, size: 0 });
  });

  it('rejects empty and non-finite input', () => {
    expect(() => compositionalProbe({ scores: [] })).to.throw(/empty/);
    expect(() => compositionalProbe({ scores: [{ kind: 'size', positive: NaN, negative: 0 }] })).to.throw(/scores\[0\]/);
  });

  it('as samples: pairs are items; macro weighs each kind equally; chance 0.5', () => {
    const scores = [
      { kind: 'colour', positive: 1, negative: 0 }, { kind: 'colour', positive: 1, negative: 0 },
      { kind: 'colour', positive: 0, negative: 1 }, { kind: 'size', positive: 1, negative: 1 },
    ];
    const s = compositionalSamples(scores);
    expect(s.overall.items).to.deep.equal([1, 1, 0, 0]);
    expect(s.colour.items).to.deep.equal([1, 1, 0]);
    expect(s.size).to.deep.include({ value: 0, items: [0], chance: 0.5 });
    expect(s.macro.value).to.be.closeTo((2 / 3 + 0) / 2, 1e-12);
    const items = s.macro.items!;
    expect(items.reduce((a, b) => a + b, 0) / items.length).to.be.closeTo(s.macro.value, 1e-12);
  });
});
