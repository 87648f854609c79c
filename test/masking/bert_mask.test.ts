import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { BertMaskOptions, bertMask, bertMaskArrays } from '../../lib/masking';
import { Rng } from '../../lib/random';
import { expectNoLeak } from '../helpers';
import { expectProportion, sum } from './stats';

const PAD = 0, CLS = 101, SEP = 102, MASK = 103, VOCAB = 1000;
const SPECIALS = [PAD, CLS, SEP];

/** [CLS] words... [SEP] [PAD]...: ragged lengths, ordinary ids in [200, VOCAB). */
function batch(B: number, T: number, seed: number): number[][] {
  const rng = new Rng(seed);
  return Array.from({ length: B }, () => {
    const len = 3 + rng.int(T - 2);
    return Array.from({ length: T }, (_, t) => (t === 0 ? CLS : t < len - 1 ? 200 + rng.int(VOCAB - 200) : t === len - 1 ? SEP : PAD));
  });
}

function base(tokens: number[][], seed: number): BertMaskOptions {
  return { tokens, specialIds: SPECIALS, maskId: MASK, vocabSize: VOCAB, seed };
}

describe('masking/bertMask', () => {
  const tokens = batch(128, 128, 1);
  const eligible = tokens.flat().filter((id) => !SPECIALS.includes(id)).length;

  it('chooses 15 % of ordinary tokens, then 80 % [MASK], 10 % random, 10 % unchanged', () => {
    const { inputs, labels, mask } = bertMaskArrays(base(tokens, 2));
    let chosen = 0, masked = 0, random = 0, kept = 0;
    tokens.forEach((row, b) =>
      row.forEach((id, t) => {
        if (!mask[b][t]) {
          expect(labels[b][t]).to.equal(-100);
          expect(inputs[b][t]).to.equal(id);
          return;
        }
        chosen++;
        expect(labels[b][t]).to.equal(id);
        if (inputs[b][t] === MASK) masked++;
        else if (inputs[b][t] === id) kept++;
        else {
          random++;
          expect(SPECIALS.concat(MASK)).to.not.include(inputs[b][t]);
        }
      }),
    );
    expectProportion(chosen, eligible, 0.15, 'chosen rate');
    // A random draw hits the original id with probability 1/(non-special ids).
    const hit = 1 / (VOCAB - 4);
    expectProportion(masked, chosen, 0.8, '[MASK] share');
    expectProportion(random, chosen, 0.1 * (1 - hit), 'random share');
    expectProportion(kept, chosen, 0.1 + 0.1 * hit, 'unchanged share');
  });

  it('allMask (M3AE-style): every chosen token becomes [MASK], at the given rate, nothing else changes', () => {
    const { inputs, labels, mask } = bertMaskArrays({ ...base(tokens, 3), rate: 0.75, allMask: true });
    let chosen = 0;
    tokens.forEach((row, b) =>
      row.forEach((id, t) => {
        if (!mask[b][t]) return expect(inputs[b][t]).to.equal(id);
        chosen++;
        expect(inputs[b][t]).to.equal(MASK);
        expect(labels[b][t]).to.equal(id);
      }),
    );
    expectProportion(chosen, eligible, 0.75, 'chosen rate');
  });

  it('never chooses special tokens (padding included), even at rate 1', () => {
    const { mask, inputs } = bertMaskArrays({ ...base(tokens, 3), rate: 1 });
    tokens.forEach((row, b) =>
      row.forEach((id, t) => {
        expect(mask[b][t], `token ${id} at [${b}, ${t}]`).to.equal(SPECIALS.includes(id) ? 0 : 1);
        if (SPECIALS.includes(id)) expect(inputs[b][t]).to.equal(id);
      }),
    );
  });

  it('chooses at least one token per batch when any is eligible, none when all are special', () => {
    for (let seed = 0; seed < 50; seed++) {
      const tiny = bertMaskArrays({ ...base([[CLS, 500, 501, SEP, PAD]], seed) });
      expect(sum(tiny.mask[0]), `seed ${seed}`).to.be.at.least(1);
    }
    expect(sum(bertMaskArrays({ ...base(tokens, 4), rate: 0 }).mask.flat())).to.equal(1);
    const allSpecial = bertMaskArrays(base([[CLS, SEP, PAD], [CLS, SEP, PAD]], 5));
    expect(sum(allSpecial.mask.flat())).to.equal(0);
  });

  it('draws random replacements from randomTokenRange without specials', () => {
    const { inputs, mask } = bertMaskArrays({ ...base(tokens, 6), rate: 1, randomTokenRange: [100, 110] });
    const [flatMask, original] = [mask.flat(), tokens.flat()];
    const replaced = inputs.flat().filter((id, i) => flatMask[i] && id !== MASK && id !== original[i]);
    expect(replaced.length).to.be.above(100);
    const allowed = [100, 104, 105, 106, 107, 108, 109]; // [100, 110) minus [CLS] 101, [SEP] 102, [MASK] 103
    for (const id of replaced) expect(allowed).to.include(id);
    expect(new Set(replaced).size).to.equal(allowed.length);
  });

  it('whole-word: all pieces of a word are chosen together, words at the rate', () => {
    const starts = tokens.map((row, b) => row.map((_, t) => (t + b) % 3 !== 1)); // words of 1-2 pieces
    const { mask } = bertMaskArrays({ ...base(tokens, 7), wholeWord: { wordStarts: starts } });
    let words = 0, chosenWords = 0;
    tokens.forEach((row, b) => {
      for (let t = 0; t < row.length; t++) {
        if (SPECIALS.includes(row[t])) {
          expect(mask[b][t]).to.equal(0);
          continue;
        }
        const continues = !starts[b][t] && t > 0 && !SPECIALS.includes(row[t - 1]);
        if (continues) expect(mask[b][t], `piece [${b}, ${t}] follows its word`).to.equal(mask[b][t - 1]);
        else {
          words++;
          chosenWords += mask[b][t];
        }
      }
    });
    expect(words).to.be.below(eligible); // some words really have two pieces
    expectProportion(chosenWords, words, 0.15, 'chosen word rate');
  });

  it('whole-word: a piece right after a special token starts its own word', () => {
    // [CLS] x y [SEP] with no starts marked: x and y form one word; y never joins [CLS].
    const out = bertMaskArrays({ ...base([[CLS, 300, 301, SEP]], 8), rate: 1, wholeWord: { wordStarts: [[false, false, false, false]] } });
    expect(out.mask).to.deep.equal([[0, 1, 1, 0]]);
  });

  it('is deterministic in the seed', () => {
    expect(bertMaskArrays(base(tokens, 9))).to.deep.equal(bertMaskArrays(base(tokens, 9)));
    expect(bertMaskArrays(base(tokens, 9)).mask).to.not.deep.equal(bertMaskArrays(base(tokens, 10)).mask);
  });

  it('takes an int32 tensor and returns int32 inputs/labels and a float32 mask, leaking nothing', async () => {
    const small = batch(4, 16, 11);
    const ref = bertMaskArrays(base(small, 12));
    const input = tf.tensor2d(small, [4, 16], 'int32');
    await expectNoLeak(() => {
      const out = bertMask({ ...base(small, 12), tokens: input as tf.Tensor2D });
      expect([out.inputs.dtype, out.labels.dtype, out.mask.dtype]).to.deep.equal(['int32', 'int32', 'float32']);
      expect(out.inputs.arraySync()).to.deep.equal(ref.inputs);
      expect(out.labels.arraySync()).to.deep.equal(ref.labels);
      expect(out.mask.arraySync()).to.deep.equal(ref.mask);
      tf.dispose([out.inputs, out.labels, out.mask]);
    });
    input.dispose();
  });

  it('rejects bad input with a message naming it', async () => {
    await expectNoLeak(() => {
      expect(() => bertMaskArrays(base([[CLS, 300], [CLS]], 0))).to.throw(/row 1/);
      expect(() => bertMaskArrays(base([[CLS, 5000]], 0))).to.throw(/vocabSize/);
      expect(() => bertMaskArrays({ ...base([[CLS, 300]], 0), wholeWord: { wordStarts: [[true]] } })).to.throw(/wordStarts/);
      expect(() => bertMaskArrays({ ...base([[CLS, 300]], 0), randomTokenRange: [101, 103] })).to.throw(/randomTokenRange/);
      const floats = tf.tensor2d([[1, 2]]);
      expect(() => bertMaskArrays({ ...base([], 0), tokens: floats })).to.throw(/int32/);
      floats.dispose();
    });
  });
});
