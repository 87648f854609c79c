import { expect } from 'chai';
import { ImportGraph, importCycles, importGraph, upwardArrows } from '../scripts/check_imports';

describe('import graph of lib/', () => {
  it('has no cycles and no arrow running up the layer table', () => {
    const graph = importGraph();
    expect(graph.size).to.be.greaterThan(100);
    expect(upwardArrows(graph)).to.deep.equal([]);
    expect(importCycles(graph)).to.deep.equal([]);
  });

  it('names an upward import, a sideways one and a folder missing from the table', () => {
    const graph: ImportGraph = new Map([
      ['lib/core/a.ts', ['lib/models/b.ts', 'lib/data/c.ts', 'lib/random.ts']],
      ['lib/models/b.ts', []],
      ['lib/data/c.ts', []],
      ['lib/random.ts', []],
      ['lib/newroom/d.ts', []],
    ]);
    expect(upwardArrows(graph)).to.deep.equal([
      'lib/core/a.ts imports lib/models/b.ts: lib/models is not below lib/core',
      'lib/core/a.ts imports lib/data/c.ts: lib/data is not below lib/core',
      'lib/newroom/d.ts: lib/newroom is not in the layer table (scripts/check_imports.ts LAYERS)',
    ]);
  });

  it('finds a cycle between files in one folder and leaves a chain alone', () => {
    const graph: ImportGraph = new Map([
      ['lib/x/a.ts', ['lib/x/b.ts']],
      ['lib/x/b.ts', ['lib/x/c.ts']],
      ['lib/x/c.ts', ['lib/x/a.ts']],
      ['lib/x/d.ts', ['lib/x/a.ts']],
    ]);
    expect(importCycles(graph)).to.deep.equal([['lib/x/a.ts', 'lib/x/b.ts', 'lib/x/c.ts']]);
    graph.set('lib/x/c.ts', []);
    expect(importCycles(graph)).to.deep.equal([]);
  });
});
