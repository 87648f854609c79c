import { expect } from 'chai';
import { parallelCeiling } from '../../lib/parallel';

describe('parallel/ceiling', () => {
  it('one thread against itself is ~1x, two threads at most ~2x (a timing ratio, so loose bounds)', async function () {
    this.timeout(60000);
    expect(await parallelCeiling(1, 1)).to.be.within(0.5, 1.5);
    expect(await parallelCeiling(2, 1)).to.be.within(0.3, 2.5);
  });
});
