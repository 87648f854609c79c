import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { BlockMaskOptions, FLAVA_BLOCK_MASK, PlacedBlock, blockMask, blockMaskArrays, blockMaskBatch } from '../../lib/masking';
import { expectNoLeak } from '../helpers';
import { sum } from './stats';

/** Run the generator with a recorder; returns the grid and the blocks in placement order. */
function recorded(options: Omit<BlockMaskOptions, 'onBlock'>): { grid: number[]; blocks: PlacedBlock[] } {
  const blocks: PlacedBlock[] = [];
  const grid = blockMask({ ...options, onBlock: (b) => blocks.push(b) });
  return { grid, blocks };
}

describe('masking/blockMask', () => {
  it('FLAVA defaults: never more than 75 of 196, and the count distribution matches BEiT', () => {
    const counts = blockMaskArrays(1000, { ...FLAVA_BLOCK_MASK, seed: 7 }).map(sum);
    expect(Math.max(...counts)).to.be.at.most(75);
    // Reference: BEiT's MaskingGenerator(14, 75, min_num_patches=16, min_aspect=0.3), run 4000 times
    // (python, random.seed(0)): mean 74.49, sd 0.97, P(count = 75) = 0.675.
    const mean = sum(counts) / counts.length;
    const se = Math.sqrt(0.97 ** 2 / counts.length + 0.97 ** 2 / 4000);
    expect(Math.abs(mean - 74.49), `mean ${mean}`).to.be.at.most(3 * se);
    const full = counts.filter((c) => c === 75).length / counts.length;
    const seFull = Math.sqrt(0.675 * 0.325 * (1 / counts.length + 1 / 4000));
    expect(Math.abs(full - 0.675), `P(75) ${full}`).to.be.at.most(3 * seFull);
  });

  it('every block respects the area and aspect limits and only counts newly masked cells', () => {
    const opts = { ...FLAVA_BLOCK_MASK, maxAspect: 1 / 0.3 };
    let blocksSeen = 0;
    for (let seed = 0; seed < 200; seed++) {
      const { grid, blocks } = recorded({ ...opts, seed });
      const replay = new Array(196).fill(0);
      let remaining = opts.numMasked;
      for (const b of blocks) {
        // Target area uniform in [min, remaining] (reversed bounds when fewer than min remain).
        expect(b.targetArea).to.be.within(Math.min(16, remaining), Math.max(16, remaining));
        expect(b.aspect).to.be.within(0.3, 1 / 0.3);
        // h, w are the rounded sides of the sampled rectangle, so h/w is within the limits up to rounding.
        expect(Math.abs(b.h - Math.sqrt(b.targetArea * b.aspect))).to.be.at.most(0.5);
        expect(Math.abs(b.w - Math.sqrt(b.targetArea / b.aspect))).to.be.at.most(0.5);
        expect((b.h + 0.5) / (b.w - 0.5)).to.be.at.least(0.3);
        expect((b.h - 0.5) / (b.w + 0.5)).to.be.at.most(1 / 0.3);
        expect(b.h).to.be.below(14);
        expect(b.w).to.be.below(14);
        let fresh = 0;
        for (let i = b.top; i < b.top + b.h; i++) {
          for (let j = b.left; j < b.left + b.w; j++) {
            fresh += 1 - replay[i * 14 + j];
            replay[i * 14 + j] = 1;
          }
        }
        expect(b.added).to.equal(fresh);
        expect(fresh).to.be.within(1, remaining);
        remaining -= fresh;
        blocksSeen++;
      }
      expect(grid, `seed ${seed}: mask is the union of the blocks`).to.deep.equal(replay);
    }
    expect(blocksSeen).to.be.above(200);
  });

  it('honours maxBlock, small targets and a target of zero', () => {
    for (let seed = 0; seed < 100; seed++) {
      const { grid, blocks } = recorded({ height: 8, width: 8, numMasked: 30, minBlock: 4, maxBlock: 9, seed });
      expect(sum(grid)).to.be.at.most(30);
      for (const b of blocks) expect(b.added).to.be.at.most(9);
      expect(sum(blockMask({ height: 14, width: 14, numMasked: 5, seed }))).to.be.at.most(5);
    }
    expect(sum(blockMask({ height: 4, width: 4, numMasked: 0, seed: 1 }))).to.equal(0);
  });

  it('works on non-square grids: [B, H*W] with the mask inside the grid', () => {
    const rows = blockMaskArrays(50, { height: 6, width: 20, numMasked: 40, minBlock: 6, seed: 3 });
    for (const r of rows) {
      expect(r).to.have.length(120);
      expect(sum(r)).to.be.within(1, 40);
    }
  });

  it('is deterministic in the seed; a batch is B independent grids', () => {
    const a = blockMaskArrays(4, { ...FLAVA_BLOCK_MASK, seed: 1 });
    expect(a).to.deep.equal(blockMaskArrays(4, { ...FLAVA_BLOCK_MASK, seed: 1 }));
    expect(a).to.not.deep.equal(blockMaskArrays(4, { ...FLAVA_BLOCK_MASK, seed: 2 }));
    expect(a[0]).to.deep.equal(blockMask({ ...FLAVA_BLOCK_MASK, seed: 1 }));
    expect(a[1]).to.not.deep.equal(a[0]);
  });

  it('blockMaskBatch returns float32 [B, H*W] equal to the arrays and leaks nothing', async () => {
    const ref = blockMaskArrays(3, { ...FLAVA_BLOCK_MASK, seed: 5 });
    await expectNoLeak(() => {
      const m = blockMaskBatch(3, { ...FLAVA_BLOCK_MASK, seed: 5 });
      expect(m.dtype).to.equal('float32');
      expect(m.shape).to.deep.equal([3, 196]);
      expect(m.arraySync()).to.deep.equal(ref);
      tf.dispose(m);
    });
  });

  it('rejects bad options with a message naming them', () => {
    expect(() => blockMask({ height: 14, width: 14, numMasked: 197, seed: 0 })).to.throw(/numMasked/);
    expect(() => blockMask({ height: 0, width: 14, numMasked: 1, seed: 0 })).to.throw(/height/);
    expect(() => blockMask({ height: 14, width: 14, numMasked: 75, minAspect: 2, maxAspect: 1, seed: 0 })).to.throw(/minAspect/);
    expect(() => blockMask({ height: 14, width: 14, numMasked: 75, maxBlock: 8, seed: 0 })).to.throw(/maxBlock/);
  });
});
