import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { randomPatchMask, randomPatchMaskArrays } from '../../lib/masking';
import { Rng } from '../../lib/random';
import { expectNoLeak } from '../helpers';
import { expectProportion, sum } from './stats';

describe('masking/randomPatchMask', () => {
  it('keeps exactly int(N * (1 - ratio)) patches in every row, as MAE', () => {
    for (const [N, ratio, K] of [[196, 0.75, 49], [16, 0.5, 8], [10, 0.7, 3], [7, 0.5, 3], [5, 0, 5], [5, 1, 0]]) {
      const { mask, keepIndices, restoreIndices } = randomPatchMaskArrays(6, N, ratio, 3);
      for (let b = 0; b < 6; b++) {
        expect(sum(mask[b]), `N=${N} ratio=${ratio} masked`).to.equal(N - K);
        expect(keepIndices[b]).to.have.length(K);
        expect(restoreIndices[b]).to.have.length(N);
      }
    }
  });

  it('keepIndices and restoreIndices describe one shuffle: MAE unshuffle restores patch order', () => {
    const B = 5, N = 20;
    const { mask, keepIndices, restoreIndices } = randomPatchMaskArrays(B, N, 0.6, 11);
    for (let b = 0; b < B; b++) {
      const patches = Array.from({ length: N }, (_, i) => 100 * b + i);
      // MAE decoder: cat(kept tokens, mask tokens) gathered by ids_restore.
      const filled = [...keepIndices[b].map((i) => patches[i]), ...Array(N - keepIndices[b].length).fill(-1)];
      const restored = restoreIndices[b].map((r) => filled[r]);
      expect(restored).to.deep.equal(patches.map((v, i) => (mask[b][i] ? -1 : v)));
      expect([...restoreIndices[b]].sort((x, y) => x - y)).to.deep.equal([...Array(N).keys()]);
      keepIndices[b].forEach((i, k) => expect(restoreIndices[b][i]).to.equal(k));
    }
  });

  it('masks every position with the same probability (4σ per position: 3σ Bonferroni over 16)', () => {
    const draws = 4000, N = 16;
    const { mask } = randomPatchMaskArrays(draws, N, 0.75, 5);
    for (let i = 0; i < N; i++) expectProportion(sum(mask.map((row) => row[i])), draws, 12 / 16, `position ${i}`, 4);
  });

  it('is deterministic in the seed and advances a shared Rng', () => {
    expect(randomPatchMaskArrays(4, 32, 0.75, 1)).to.deep.equal(randomPatchMaskArrays(4, 32, 0.75, 1));
    expect(randomPatchMaskArrays(4, 32, 0.75, 1).mask).to.not.deep.equal(randomPatchMaskArrays(4, 32, 0.75, 2).mask);
    const rng = new Rng(9);
    expect(randomPatchMaskArrays(4, 32, 0.75, rng).mask).to.not.deep.equal(randomPatchMaskArrays(4, 32, 0.75, rng).mask);
  });

  it('tensor form matches the arrays (float32 mask, int32 indices) and leaks nothing', async () => {
    const ref = randomPatchMaskArrays(3, 12, 0.75, 4);
    await expectNoLeak(() => {
      const out = randomPatchMask(3, 12, 0.75, 4);
      expect([out.mask.dtype, out.keepIndices.dtype, out.restoreIndices.dtype]).to.deep.equal(['float32', 'int32', 'int32']);
      expect(out.keepIndices.shape).to.deep.equal([3, 3]);
      expect(out.mask.arraySync()).to.deep.equal(ref.mask);
      expect(out.keepIndices.arraySync()).to.deep.equal(ref.keepIndices);
      expect(out.restoreIndices.arraySync()).to.deep.equal(ref.restoreIndices);
      tf.dispose([out.mask, out.keepIndices, out.restoreIndices]);
    });
  });

  it('rejects bad arguments with a message naming them', () => {
    expect(() => randomPatchMaskArrays(2, 16, 1.5, 0)).to.throw(/ratio/);
    expect(() => randomPatchMaskArrays(0, 16, 0.5, 0)).to.throw(/B/);
    expect(() => randomPatchMaskArrays(2, 2.5, 0.5, 0)).to.throw(/N/);
    expect(() => randomPatchMaskArrays(2, 16, 0.5, NaN)).to.throw(/seed/);
  });
});
