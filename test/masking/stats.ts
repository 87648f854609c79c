/** Statistical assertions shared by the masking tests. */
import { expect } from 'chai';

/** Assert `hits / n` lies within `sigmas` binomial standard deviations of `p`. */
export function expectProportion(hits: number, n: number, p: number, label: string, sigmas = 3): void {
  const sd = Math.sqrt((p * (1 - p)) / n);
  const observed = hits / n;
  expect(Math.abs(observed - p), `${label}: ${observed.toFixed(4)} vs ${p} (n=${n}, sd=${sd.toFixed(4)})`).to.be.at.most(sigmas * sd);
}

export function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}
