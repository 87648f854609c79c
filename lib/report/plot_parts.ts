/** Pieces every plot shares: the arm colours and the dashed chance line. */
import { armNames } from './summary';
import type { CompareResults } from './types';

export function armColor(results: CompareResults): Record<string, unknown> {
  const arms = armNames(results);
  return {
    field: 'arm',
    type: 'nominal',
    title: 'arm',
    scale: { domain: arms, scheme: arms.length > 10 ? 'category20' : 'tableau10' },
  };
}

/** The dashed chance line of a panel, from a `chance` field on the rows (absent rows are ignored). */
export function chanceLayer(axis: 'x' | 'y'): Record<string, unknown> {
  return {
    mark: { type: 'rule', strokeDash: [4, 3], color: '#888' },
    encoding: { [axis]: { field: 'chance', aggregate: 'max', type: 'quantitative' } },
  };
}

