import { expect } from 'chai';
import { formatAb, interleavedAb } from '../../lib/bench';

describe('bench/ab: interleaved A/B timing', () => {
  it('takes turns round by round, times every step under its variant, and restores the baseline', () => {
    const order: string[] = [];
    let current = '';
    const variants = ['base', 'x', 'y'].map((name) => ({ name, enable: () => ((current = name), order.push(name)) }));
    const steps: Record<string, number> = { base: 0, x: 0, y: 0 };
    const results = interleavedAb(variants, () => steps[current]++, 2, 3);
    // per round: each variant once, in order; then the baseline is switched back on
    expect(order).to.deep.equal(['base', 'x', 'y', 'base', 'x', 'y', 'base']);
    // 1 untimed warm-up + 3 timed steps per variant per round
    expect(steps).to.deep.equal({ base: 8, x: 8, y: 8 });
    expect(results.map((r) => r.name)).to.deep.equal(['base', 'x', 'y']);
    expect(results[0].ratio).to.equal(1);
    expect(results[0].cpuRatio).to.satisfy((v: number) => v === 1 || Number.isNaN(v));
    expect(formatAb(results).split('\n')).to.have.length(3);
  });

  it('refuses an empty variant list', () => {
    expect(() => interleavedAb([], () => undefined)).to.throw(/no variants/);
  });
});
