import { expect } from 'chai';
import { CORE_FUSED, MVLM_KERNELS, setSpeedFix, speedFixes } from '../../lib/backend';

describe('backend/speed_fixes', () => {
  it('lists every switch by one name and turns each off and on again', () => {
    const names = speedFixes();
    expect(names).to.include.members(['gelu', 'layerNorm', 'kernel.adamW', 'kernel.batchMatMul']);
    try {
      setSpeedFix('kernel.adamW', false);
      setSpeedFix('gelu', false);
      expect([MVLM_KERNELS.adamW, CORE_FUSED.gelu, MVLM_KERNELS.gelu, CORE_FUSED.layerNorm]).to.deep.equal([false, false, true, true]);
    } finally {
      setSpeedFix('kernel.adamW', true);
      setSpeedFix('gelu', true);
    }
    expect([MVLM_KERNELS.adamW, CORE_FUSED.gelu]).to.deep.equal([true, true]);
  });

  it('names an unknown fix and the ones there are', () => {
    expect(() => setSpeedFix('kernel.nope', false)).to.throw(/no override named kernel\.nope/);
  });
});
