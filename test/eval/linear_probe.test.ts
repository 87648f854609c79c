import { expect } from 'chai';
import { linearProbe, linearProbeEvaluator } from '../../lib/eval';
import { Rng } from '../../lib/random';
import { expectNoLeak } from '../helpers';

/** n points per class around ±sep along dim 0 (plus noise in all D dims), labels 0 / 1. */
function twoBlobs(n: number, D: number, sep: number, seed: number): { x: number[][]; y: number[] } {
  const rng = new Rng(seed);
  const x: number[][] = [];
  const y: number[] = [];
  for (let i = 0; i < 2 * n; i++) {
    const c = i % 2;
    x.push(Array.from({ length: D }, (_, k) => rng.normal() + (k === 0 ? (c ? sep : -sep) : 0) + 5)); // offset: standardisation
    y.push(c);
  }
  return { x, y };
}

describe('eval/linearProbe', () => {
  it('a linearly separable 2-class problem gets ~1.0, deterministically', async function () {
    this.timeout(30000);
    const [tr, va, te] = [twoBlobs(50, 8, 4, 1), twoBlobs(25, 8, 4, 2), twoBlobs(50, 8, 4, 3)];
    const args = { trainX: tr.x, trainY: tr.y, valX: va.x, valY: va.y, testX: te.x, testY: te.y, numClasses: 2, steps: 100 };
    const a = await expectNoLeak(() => linearProbe(args));
    expect(a.testAccuracy).to.be.at.least(0.98);
    expect(a.trainAccuracy).to.be.at.least(0.98);
    expect([1e-4, 1e-3, 1e-2, 1e-1]).to.include(a.l2);
    expect(a.valAccuracyByL2).to.have.length(4);
    expect(a.valAccuracy).to.equal(Math.max(...a.valAccuracyByL2));
    const b = await linearProbe(args);
    expect(b).to.deep.equal(a);
  });

  it('shuffled labels give ~chance on test', async function () {
    this.timeout(30000);
    const rng = new Rng(7);
    const [tr, va, te] = [twoBlobs(50, 8, 4, 4), twoBlobs(25, 8, 4, 5), twoBlobs(100, 8, 4, 6)];
    const shuffled = (y: number[]) => rng.shuffle(y.slice());
    const r = await expectNoLeak(() => linearProbe({
      trainX: tr.x, trainY: shuffled(tr.y), valX: va.x, valY: shuffled(va.y), testX: te.x, testY: shuffled(te.y),
      numClasses: 2, steps: 100,
    }));
    // 200 test points: binomial sd 0.035 around 0.5
    expect(r.testAccuracy).to.be.within(0.38, 0.62);
  });

  it('separates 4 classes with minibatches; the same seed gives the same result', async function () {
    this.timeout(30000);
    const rng = new Rng(11);
    const make = (n: number) => {
      const y = Array.from({ length: n }, (_, i) => i % 4);
      const x = y.map((c) => Array.from({ length: 6 }, (_, k) => rng.normal() * 0.5 + (k === c ? 3 : 0)));
      return { x, y };
    };
    const [tr, va, te] = [make(80), make(40), make(80)];
    const args = {
      trainX: tr.x, trainY: tr.y, valX: va.x, valY: va.y, testX: te.x, testY: te.y,
      numClasses: 4, steps: 60, batchSize: 16, seed: 3, l2Grid: [1e-3, 1e-1],
    };
    const a = await expectNoLeak(() => linearProbe(args));
    expect(a.testAccuracy).to.be.at.least(0.95);
    expect(await linearProbe(args)).to.deep.equal(a);
  });

  it('rejects bad labels, widths and class counts, naming them', async () => {
    const x = [[0, 1], [1, 0]];
    const msg = (p: Promise<unknown>) => p.then(() => 'no throw', (e: Error) => e.message);
    await expectNoLeak(async () => {
      expect(await msg(linearProbe({ trainX: x, trainY: [0, 1], valX: x, valY: [0, 2], testX: x, testY: [0, 1], numClasses: 2 })))
        .to.match(/valY\[1\] = 2/);
      expect(await msg(linearProbe({ trainX: x, trainY: [0, 1], valX: [[1, 2, 3]], valY: [0], testX: x, testY: [0, 1], numClasses: 2 })))
        .to.match(/valX \[1,3\].*trainX \[2,2\]/);
      expect(await msg(linearProbe({ trainX: x, trainY: [0, 0], valX: x, valY: [0, 0], testX: x, testY: [0, 0], numClasses: 1 })))
        .to.match(/numClasses/);
    });
  });

  it('balanced accuracy and per-item hits on test; the majority-class baseline (train majority) as chance', async function () {
    this.timeout(30000);
    // class 0 is 3/4 of train; test: 2 of class 0, 2 of class 1, all separable
    const trainX = [[-2], [-1.8], [-2.2], [2]];
    const testX = [[-2.1], [-1.9], [1.9], [2.1]];
    const m = await expectNoLeak(() => linearProbeEvaluator.run({
      probe: { trainX, trainY: [0, 0, 0, 1], valX: trainX, valY: [0, 0, 0, 1], testX, testY: [0, 0, 1, 1], numClasses: 3, steps: 60, l2Grid: [1e-4] },
    }));
    expect(m.acc).to.deep.include({ value: 1, items: [1, 1, 1, 1], chance: 0.5, higherIsBetter: true }); // class 0 is half of test
    expect(m.balanced_acc.value).to.equal(1);
    expect(m.balanced_acc.chance).to.equal(0.5); // 2 classes present in test
    const r = await linearProbe({ trainX, trainY: [0, 0, 0, 1], valX: trainX, valY: [0, 0, 0, 1], testX: [[-2], [-2], [-2], [2]], testY: [0, 1, 1, 1], numClasses: 2, steps: 60 });
    expect(Array.from(r.testCorrect)).to.deep.equal([1, 0, 0, 1]);
    expect(r.testAccuracy).to.equal(0.5);
    expect(r.testBalancedAccuracy).to.be.closeTo((1 + 1 / 3) / 2, 1e-12);
  });
});
