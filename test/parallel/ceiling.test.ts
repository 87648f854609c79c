import { expect } from 'chai';
import { parallelCeiling } from '../../lib/parallel';

describe('parallel/ceiling', () => {
  it('one thread against itself is ~1x, two threads at most ~2x (a timing ratio, so loose bounds)', async function () {
    this.timeout(60000);
    // medians of 3 rounds: one round on a shared machine can catch a burst of another job
    expect(await parallelCeiling(1, 3)).to.be.within(0.5, 1.5);
    expect(await parallelCeiling(2, 3)).to.be.within(0.3, 2.5);
    expect(await parallelCeiling(2, 1, 'memory')).to.be.within(0.3, 2.5);
  });
});
