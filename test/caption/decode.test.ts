/** Greedy and beam search on a hand-made next-token table where the two disagree. */
import { expect } from 'chai';
import { NextLogProbs, beamDecode, greedyDecode } from '../../lib/caption';

// ids: 0 pad, 1 unk, 2 bos, 3 eos, 4 'a', 5 'b'
const [BOS, EOS, A, Bt] = [2, 3, 4, 5];
const V = 6;
const options = { bos: BOS, eos: EOS, maxLen: 5, banned: [0, 1, 2] };

/** p(next | ids) for source 0; source 1 swaps 'a' and 'b' everywhere. */
function table(ids: number[]): Record<number, number> {
  const last = ids[ids.length - 1];
  if (ids.length === 1) return { [A]: 0.6, [Bt]: 0.4 };
  if (ids.length === 2 && last === A) return { [EOS]: 0.4, [A]: 0.3, [Bt]: 0.3 };
  if (ids.length === 2 && last === Bt) return { [EOS]: 0.9, [A]: 0.05, [Bt]: 0.05 };
  return { [EOS]: 1 };
}

function scorer(calls: number[][] = []): NextLogProbs {
  return async (sources, rows) => {
    calls.push(sources);
    return rows.map((ids, r) => {
      const swap = (id: number) => (sources[r] === 1 ? (id === A ? Bt : id === Bt ? A : id) : id);
      const probs = table(ids.map(swap));
      const out = new Float32Array(V).fill(Math.log(1e-9));
      for (const [id, p] of Object.entries(probs)) out[swap(Number(id))] = Math.log(p);
      return out;
    });
  };
}

describe('caption decoding', () => {
  it('greedy takes the locally best token: "a" (p 0.24) for source 0, "b" for source 1', async () => {
    expect(await greedyDecode(2, scorer(), options)).to.deep.equal([[A], [Bt]]);
  });

  it('beam search (2 beams) finds the more likely caption: "b" (p 0.36) for source 0, "a" for source 1', async () => {
    expect(await beamDecode(2, scorer(), { ...options, beamSize: 2 })).to.deep.equal([[Bt], [A]]);
    // one beam is greedy
    expect(await beamDecode(2, scorer(), { ...options, beamSize: 1 })).to.deep.equal([[A], [Bt]]);
  });

  it('is deterministic, breaks ties towards the lower id, and stops at maxLen with eos', async () => {
    const flat: NextLogProbs = async (_s, rows) => rows.map(() => new Float32Array(V).fill(Math.log(1 / V)));
    expect(await greedyDecode(1, flat, { ...options, maxLen: 4 })).to.deep.equal([[]]); // eos (3) is the lowest allowed id: it ends at once
    const noEos: NextLogProbs = async (_s, rows) => rows.map(() => Float32Array.from([0, 0, 0, -50, -1, -1]));
    expect(await greedyDecode(1, noEos, { ...options, maxLen: 4 })).to.deep.equal([[A, A]]);
    const first = await beamDecode(2, scorer(), { ...options, beamSize: 3, lengthPenalty: 1 });
    expect(await beamDecode(2, scorer(), { ...options, beamSize: 3, lengthPenalty: 1 })).to.deep.equal(first);
  });

  it('never generates banned ids, and finished rows are not scored again', async () => {
    const calls: number[][] = [];
    // source 0 ends at once; source 1 says 'a' then ends; the banned ids score highest everywhere
    const next: NextLogProbs = async (sources, rows) => {
      calls.push(sources);
      return rows.map((ids, r) => {
        const out = Float32Array.from([5, 5, 5, -9, -9, -9]);
        out[sources[r] === 1 && ids.length === 1 ? A : EOS] = 0;
        return out;
      });
    };
    expect(await greedyDecode(2, next, options)).to.deep.equal([[], [A]]);
    expect(calls).to.deep.equal([[0, 1], [1]]);
  });

  it('rejects a bad maxLen and beam size, naming them', async () => {
    await greedyDecode(1, scorer(), { ...options, maxLen: 1 }).then(() => expect.fail('accepted maxLen 1'), (e) => expect(String(e)).to.match(/maxLen/));
    await beamDecode(1, scorer(), { ...options, beamSize: 0 }).then(() => expect.fail('accepted beamSize 0'), (e) => expect(String(e)).to.match(/beamSize/));
  });
});
