import { expect } from 'chai';
import { DIGIT_NAMES, loadDataset } from '../../lib/data';

describe('data: mnist', () => {
  it('has 10 000 digits split 85/15 with labels 0-9 and template captions', async () => {
    const train = await loadDataset('mnist', { imageSize: 16 });
    const test = await loadDataset('mnist', { imageSize: 16, split: 'test' });
    expect(train.splitSizes.train + train.splitSizes.test).to.equal(10000);
    expect(train.size).to.equal(train.splitSizes.train);
    expect(test.size).to.equal(train.splitSizes.test);
    expect(train.splitSizes.test).to.be.within(1400, 1600);
    expect(train.classNames).to.deep.equal(DIGIT_NAMES);
    const item = test.get(3);
    expect(item.image.length).to.equal(16 * 16 * 3);
    expect(item.captions[0]).to.equal(`a handwritten digit ${DIGIT_NAMES[item.label!]}`);
    const trainIds = new Set(Array.from({ length: train.size }, (_, i) => train.meta(i).id));
    expect(Array.from({ length: test.size }, (_, i) => test.meta(i).id).some((id) => trainIds.has(id))).to.equal(false);
    // Any prefix is class-balanced.
    expect(new Set(Array.from({ length: 10 }, (_, i) => train.meta(i).label)).size).to.equal(10);
  });
});
