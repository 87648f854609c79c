import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { bundleForBrowser } from '../../lib/site';
import { rejection } from '../helpers';
import { BROWSER_ENTRIES, nodeFreeReport } from '../../scripts/check_node_free';

/** `mvlm/browser`, `mvlm/losses` and the site's page script load in a browser: no Node anywhere in their graphs. */
describe('browser: the browser entries hold no Node', function () {
  this.timeout(120_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-node-free-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('no file reached from an entry imports a Node built-in or a Node-only package, or names a Node global', () => {
    const { files, problems } = nodeFreeReport();
    expect(problems).to.deep.equal([]);
    // the graph is the real one: the towers, the core, the tokenizer, the safetensors codec, the export's weight map
    for (const f of ['lib/models/vlm.ts', 'lib/core/attention.ts', 'lib/data/subword.ts', 'lib/io/safetensors.ts', 'lib/interop/weight_map.ts', 'lib/losses/clip.ts']) {
      expect(files, f).to.include(f);
    }
    // and the Node halves of the splits stay out of it
    for (const f of ['lib/data/tokenizer.ts', 'lib/train/safetensors.ts', 'lib/io/json.ts', 'lib/backend/wasm/kernels.ts', 'lib/models/frozen_text.ts']) {
      expect(files, f).to.not.include(f);
    }
  });

  it('the walker names a Node import two files down, a foreign package and a Node global, and skips type-only imports', () => {
    const a = path.join(dir, 'a.ts');
    fs.writeFileSync(a, "import type { Sharp } from 'sharp';\nexport type { Stats } from 'fs';\nimport { b } from './b';\nexport const a = b;\n");
    fs.writeFileSync(path.join(dir, 'b.ts'), "import * as fs from 'node:fs';\nimport chalk from 'chalk';\nexport const b = Buffer.from(fs.readFileSync('x'));\nconst o = { Buffer: 1 };\nexport const c = o.Buffer;\n");
    const { files, problems } = nodeFreeReport([a]);
    expect(files).to.have.length(2);
    const b = path.join(dir, 'b.ts');
    expect(problems).to.deep.equal([
      `${b}:1: imports 'node:fs', a Node built-in`,
      `${b}:2: imports 'chalk', not a browser package (allowed: @tensorflow/tfjs, @tensorflow/tfjs-backend-wasm, zod, jsonc-parser)`,
      `${b}:3: uses the Node global 'Buffer'`,
    ]);
  });

  for (const entry of BROWSER_ENTRIES) {
    it(`esbuild bundles ${entry} for the browser`, async () => {
      const bundle = await bundleForBrowser(entry);
      expect(bundle.code.length).to.be.above(10_000);
      expect(bundle.inputs.some((f) => f.includes('@tensorflow/tfjs-core'))).to.equal(true);
      // every mvlm file esbuild read is one the walker saw: the two agree on the graph
      const walked = new Set(nodeFreeReport([entry]).files);
      expect(bundle.inputs.filter((f) => f.startsWith('lib/') && !walked.has(f))).to.deep.equal([]);
    });
  }

  it('esbuild refuses an entry that reaches a Node built-in, naming it', async () => {
    const entry = path.join(dir, 'uses_fs.ts');
    fs.writeFileSync(entry, "import { readFileSync } from 'fs';\nexport const x = readFileSync;\n");
    const e = await rejection(bundleForBrowser(entry));
    expect(e.message).to.contain('esbuild could not bundle');
    expect(e.message).to.match(/"fs"/);
  });
});
