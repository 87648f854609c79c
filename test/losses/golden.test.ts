import * as path from 'path';
import { expect } from 'chai';
import { expectNoLeak } from '../helpers';
import { fixturePath, loadFixtures, runCase } from './golden';

const TOLERANCE = 1e-4; // float32 against the float64 reference; floor: see golden.ts

describe('losses: golden fixtures (losses-public.json)', () => {
  const { cases } = loadFixtures();

  it('holds the 22 cases of every kind', () => {
    const kinds = new Set(cases.map((c) => c.kind));
    expect(cases).to.have.length(22);
    expect([...kinds].sort()).to.deep.equal(['clip', 'mae', 'maskedRowsContrastive', 'maskedTokenCE', 'siglip']);
  });

  cases.forEach((c, i) => {
    const grads = Object.keys(c).filter((k) => k.startsWith('grad'));
    it(`#${i} ${String(c.kind)}: loss, ${grads.join(', ')}${c.kind === 'mae' ? ', patchify' : ''}`, async () => {
      const result = await expectNoLeak(() => runCase(c, i));
      const compared = Object.keys(result.errors).sort();
      expect(compared).to.include.members(['loss', ...grads]);
      for (const [name, err] of Object.entries(result.errors)) {
        expect(err, `${name} max relative error`).to.be.below(TOLERANCE);
      }
    });
  });

  it('names the path it looked at when the fixtures are missing', () => {
    const saved = process.env.MVLM_FIXTURES;
    process.env.MVLM_FIXTURES = path.join(__dirname, 'no-such-dir');
    try {
      expect(fixturePath()).to.equal(path.join(__dirname, 'no-such-dir', 'losses-public.json'));
      expect(() => loadFixtures()).to.throw(/no-such-dir.*losses-public\.json.*MVLM_FIXTURES/);
    } finally {
      if (saved === undefined) delete process.env.MVLM_FIXTURES;
      else process.env.MVLM_FIXTURES = saved;
    }
  });
});
