import { expect } from 'chai';
import { ARMS, armByName } from '../../lib/experiment/arms';

describe('experiment/arms', () => {
  it("names LiT's locked-text setting uL, and the old arm name says so", () => {
    expect(armByName('lit_uL_use').about).to.match(/uL/);
    expect(() => armByName('lit_use')).to.throw(/arm 'lit_use' is now named lit_uL_use.*uL/);
    expect(() => armByName('nope')).to.throw(/unknown arm 'nope'/);
  });

  it('siglip starts from the same temperature as clip, its bias at the batch prior, with its own bias learning rate', () => {
    const clip = armByName('clip');
    const siglip = armByName('siglip');
    expect(siglip.modules.initLogitScale).to.equal(clip.modules.initLogitScale); // both the model default 1/0.07
    expect(siglip.modules.initLogitBias ?? 'auto').to.equal('auto');
    expect(siglip.train?.lrMultipliers?.logitBias).to.be.above(1);
    expect(ARMS.filter((a) => a.name !== 'siglip').every((a) => a.train?.lrMultipliers === undefined)).to.equal(true);
  });
});
