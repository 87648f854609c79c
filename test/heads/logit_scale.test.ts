import { expect } from 'chai';
import { REFERENCE_LOGIT_BIAS, initialLogitBias } from '../../lib/heads';

describe('heads/initialLogitBias', () => {
  it("'auto' starts SigLIP's bias at the batch prior −log(B − 1), never below the reference −10", () => {
    expect(initialLogitBias('auto', 32)).to.be.closeTo(-Math.log(31), 1e-12);
    expect(initialLogitBias('auto', 2)).to.equal(-0);
    expect(initialLogitBias('auto', 22027)).to.be.closeTo(-Math.log(22026), 1e-12); // just above −10
    expect(initialLogitBias('auto', 32768)).to.equal(REFERENCE_LOGIT_BIAS);
    expect(initialLogitBias('auto')).to.equal(-10); // no batch size known: the reference
    expect(initialLogitBias(-7.5, 32)).to.equal(-7.5); // a number is taken as given
  });

  it('names a bad batch size', () => {
    expect(() => initialLogitBias('auto', 1)).to.throw(/batchSize must be an integer ≥ 2, got 1/);
    expect(() => initialLogitBias('auto', 3.5)).to.throw(/got 3.5/);
  });
});
