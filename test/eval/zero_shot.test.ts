import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { PROMPT_TEMPLATES, buildPrompts, fillTemplate, zeroShot, zeroShotEvaluator } from '../../lib/eval';
import { expectNoLeak } from '../helpers';

const e = (i: number, d = 4, scale = 1) => Array.from({ length: d }, (_, k) => (k === i ? scale : 0));

describe('eval/zeroShot', () => {
  it('clearly separated class directions give top-1 = 1', async () => {
    // 3 classes along e0, e1, e2; two templates each, at different scales (normalised per template).
    const classTextEmb = [0, 1, 2].map((c) => [e(c, 4, 5), e(c, 4, 0.2).map((v, k) => v + (k === 3 ? 0.05 : 0))]);
    const labels = [0, 1, 2, 2, 1, 0];
    const imageEmb = labels.map((c) => e(c, 4, 3).map((v, k) => v + 0.1 * k));
    const r = await expectNoLeak(() => zeroShot({ imageEmb, labels, classTextEmb }));
    expect(r.top1).to.equal(1);
    expect(r.balancedAccuracy).to.equal(1);
    expect(r.k).to.equal(3); // min(5, C)
    expect(r.topKAccuracy).to.equal(1);
    expect(Array.from(r.predictions)).to.deep.equal(labels);
  });

  it('balanced accuracy weighs each class equally under imbalance (hand-computed)', async () => {
    // 4 images of class 0 (right), 1 of class 1 (predicted 0, class 1 second), 1 of class 2 (right).
    const labels = [0, 0, 0, 0, 1, 2];
    const imageEmb = [e(0), e(0), e(0), e(0), [0.9, 0.3, 0, 0], e(2)];
    const classTextEmb = [e(0), e(1), e(2)]; // [C, D]: one template
    const r = await expectNoLeak(() => zeroShot({ imageEmb, labels, classTextEmb, topK: 2 }));
    expect(r.top1).to.be.closeTo(5 / 6, 1e-12);
    expect(r.perClassRecall).to.deep.equal([1, 0, 1]);
    expect(r.balancedAccuracy).to.be.closeTo(2 / 3, 1e-12);
    expect(r.k).to.equal(2);
    expect(r.topKAccuracy).to.equal(1);
  });

  it('ties count against the model: constant embeddings score 0, not the majority share', async () => {
    // 4 of 6 images in class 0: a plain argmax hands every tie to class 0 (top-1 = 4/6 with nothing learned)
    const labels = [0, 0, 0, 0, 1, 2];
    const imageEmb = labels.map(() => [1, 1, 1, 1]);
    const classTextEmb = [[1, 1, 1, 1], [1, 1, 1, 1], [1, 1, 1, 1]];
    const r = await expectNoLeak(() => zeroShot({ imageEmb, labels, classTextEmb, topK: 2 }));
    expect(r.top1).to.equal(0);
    expect(r.balancedAccuracy).to.equal(0);
    expect(r.topKAccuracy).to.equal(0); // 2 rivals tie with the true class: not within the top 2
    // a tie between the true class and one rival at k = 2 is still a top-2 hit
    const two = await zeroShot({ imageEmb: [[1, 1, 0]], labels: [0], classTextEmb: [[1, 0, 0], [0, 1, 0], [0, 0, 1]], topK: 2 });
    expect([two.top1, two.topKAccuracy]).to.deep.equal([0, 1]);
  });

  it('as samples: items per image, balanced accuracy as item shares, chance 1/C and the majority share', async () => {
    const labels = [0, 0, 0, 1, 1, 2];
    const imageEmb = [e(0), e(0), e(1), e(1), e(1), e(0)]; // class 0: 2/3, class 1: 2/2, class 2: 0/1
    const m = await expectNoLeak(() => zeroShotEvaluator.run({ imageEmb, labels, classTextEmb: [e(0), e(1), e(2)] }));
    expect(m.top1.items).to.deep.equal([1, 1, 0, 1, 1, 0]);
    expect(m.top1.chance).to.equal(0.5); // class 0 is half the images
    expect(m.balanced_acc.value).to.be.closeTo((2 / 3 + 1 + 0) / 3, 1e-12);
    const items = m.balanced_acc.items!;
    expect(items.reduce((a, b) => a + b, 0) / items.length).to.be.closeTo(m.balanced_acc.value, 1e-12);
    expect(m.balanced_acc.chance).to.be.closeTo(1 / 3, 1e-12);
    expect(m.top5.chance).to.equal(1); // k = min(5, C) = 3 classes: every image
    expect(m.top1.higherIsBetter).to.equal(true);
  });

  it('classes absent from the labels are left out of balanced accuracy', async () => {
    const r = await zeroShot({ imageEmb: [e(0), e(1), e(0)], labels: [0, 0, 1], classTextEmb: [e(0), e(1), e(2)] });
    expect(r.perClassRecall[2]).to.be.NaN;
    expect(r.balancedAccuracy).to.be.closeTo((0.5 + 0) / 2, 1e-12);
  });

  it('averages per-template-normalised embeddings, then re-normalises (via encodeText)', async () => {
    // Class "a": templates embed to 100·e0 and e3; class "b": e1 and e3. Normalised per template,
    // both prototypes lean on e3 equally; without it, class a would be ≈ e0 only.
    const seen: string[] = [];
    const encodeText = (texts: string[]) => {
      seen.push(...texts);
      return tf.tensor2d(texts.map((t) => (t === 'x a' ? e(0, 4, 100) : t === 'x b' ? e(1) : e(3))));
    };
    const image = [[0.1, 0, 0, 1], [0, 0.1, 0, 1]]; // mostly e3, a hint of e0 / e1
    const r = await expectNoLeak(() =>
      zeroShot({ imageEmb: image, labels: [0, 1], classNames: ['a', 'b'], templates: ['x {}', 'y {}'], encodeText }));
    expect(seen).to.deep.equal(['x a', 'y a', 'x b', 'y b']); // class-major
    expect(r.top1).to.equal(1);
  });

  it('ships prompt templates per dataset kind', () => {
    expect(PROMPT_TEMPLATES.emoji).to.include('an emoji of {}');
    expect(PROMPT_TEMPLATES.emoji).to.include('a {} emoji');
    expect(PROMPT_TEMPLATES.mnist).to.include('a handwritten digit {}');
    expect(PROMPT_TEMPLATES.shapes.length).to.be.above(2);
    for (const list of Object.values(PROMPT_TEMPLATES)) for (const t of list) expect(t).to.contain('{}');
    expect(fillTemplate('a {} emoji', 'smiley')).to.equal('a smiley emoji');
    expect(buildPrompts(['1', '2'], ['d {}', '{}!'])).to.deep.equal(['d 1', '1!', 'd 2', '2!']);
  });

  it('rejects mismatched widths and out-of-range labels, naming them', async () => {
    await expectNoLeak(async () => {
      const msg = (p: Promise<unknown>) => p.then(() => 'no throw', (err: Error) => err.message);
      expect(await msg(zeroShot({ imageEmb: [e(0, 3)], labels: [0], classTextEmb: [e(0), e(1)] })))
        .to.match(/imageEmb \[1,3\].*classTextEmb \[2,1,4\]/);
      expect(await msg(zeroShot({ imageEmb: [e(0)], labels: [2], classTextEmb: [e(0), e(1)] })))
        .to.match(/labels\[0\] = 2/);
    });
  });
});
