import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { ARMS, ARM_REQUIREMENTS, armByName } from '../../lib/compare/arms';
import { COMPARE_PRESETS, armConfig } from '../../lib/compare/presets';
import { VisionLanguageModel } from '../../lib/models';
import { ObjectiveMix } from '../../lib/objectives';

const smoke = COMPARE_PRESETS.smoke;
const modelOf = (arm: string) => armConfig(smoke, smoke.settings[0], armByName(arm), 0).model;
const TEXT = { vocabSize: 50, padId: 0, clsId: 2, sepId: 3, maskId: 4, specialIds: [0, 1, 2, 3, 4] };

describe('compare/arms', () => {
  it("names LiT's locked-text setting uL, and the old arm name says so", () => {
    expect(armByName('lit_uL_use').about).to.match(/uL/);
    expect(() => armByName('lit_use')).to.throw(/arm 'lit_use' is now named lit_uL_use.*uL/);
    expect(() => armByName('nope')).to.throw(/unknown arm 'nope'/);
  });

  it('siglip starts from the same temperature as clip, its bias at the batch prior, with its own bias learning rate', () => {
    const siglip = armByName('siglip');
    expect(modelOf('siglip').initLogitScale).to.equal(modelOf('clip').initLogitScale); // both the model default 1/0.07
    expect(modelOf('siglip').initLogitBias).to.equal('auto');
    expect(siglip.train?.lrMultipliers?.logitBias).to.be.above(1);
    expect(ARMS.filter((a) => a.name !== 'siglip').every((a) => a.train?.lrMultipliers === undefined)).to.equal(true);
  });

  it('gives every arm the model modules its objectives need (from the registry), and no more', () => {
    const before = tf.memory().numTensors;
    for (const arm of ARMS.filter((a) => !ARM_REQUIREMENTS[a.name])) {
      const model = new VisionLanguageModel(modelOf(arm.name), TEXT, 0);
      try {
        expect(() => new ObjectiveMix(arm.objectives).check(model), arm.name).not.to.throw();
      } finally {
        model.dispose();
      }
    }
    expect(modelOf('clip')).to.include({ mlmHead: false, itmHead: false, fusion: null, pixelDecoder: null, logitBias: false });
    expect(modelOf('maskvlm')).to.include({ fusion: null, mlmHead: true, itmHead: true });
    expect(modelOf('flava').fusion).to.deep.equal({ depth: 1 });
    expect(tf.memory().numTensors).to.equal(before);
  });
});
