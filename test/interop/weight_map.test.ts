import { expect } from 'chai';
import { SubwordTokenizer } from '../../lib/data';
import { ExperimentConfigSchema, buildModel } from '../../lib/run';
import { WeightEntry, fromExportLayout, toExportLayout, weightMap } from '../../lib/interop';
import { expectNoLeak } from '../helpers';
import { VARIANTS } from './fixtures';

/** Parameters that are not on the path to the joint space (training-only heads, decoders, fusion). */
const TRAINING_ONLY = /^(image\.maskToken|fusion\.|cross\.|pixelDecoder\.|mim\.|mmm\.|mlm\.|itm\.|caption\.|lit\.)/;

describe('interop: the weight map (mvlm names and layouts <-> PyTorch)', () => {
  const tokenizer = SubwordTokenizer.build(['a red circle', 'a blue square'], { vocabSize: 60, minCount: 1 });

  for (const [variant, input] of Object.entries(VARIANTS)) {
    it(`${variant}: every entry reads an existing parameter of a matching size, and only training-only parameters are left out`, async () => {
      await expectNoLeak(async () => {
        const model = await buildModel(ExperimentConfigSchema.parse(input), tokenizer);
        try {
          const entries = weightMap(model.cfg, tokenizer.vocabSize);
          expect(new Set(entries.map((e) => e.name)).size, 'unique names').to.equal(entries.length);
          for (const e of entries) {
            const v = model.store.variable(e.source);
            const want = e.layout.kind === 'row' ? v.shape[1] : v.size;
            expect(e.shape.reduce((a, b) => a * b, 1), e.name).to.equal(want);
          }
          const read = new Set(entries.map((e) => e.source));
          const left = model.store.list().map((p) => p.name).filter((n) => !read.has(n));
          expect(left.filter((n) => !TRAINING_ONLY.test(n)), 'unexported parameters on the joint-space path').to.deep.equal([]);
        } finally {
          model.dispose();
        }
      });
    });
  }

  it('a shared core is listed under both towers, read from one mvlm encoder', () => {
    const shared = weightMap(ExperimentConfigSchema.parse(VARIANTS.shared_core).model, 60);
    const source = (name: string) => shared.find((e) => e.name === name)!.source;
    expect(source('visual.blocks.1.attn.qkv.weight')).to.equal('core.blocks.1.attn.qkv.w');
    expect(source('text.blocks.1.attn.qkv.weight')).to.equal('core.blocks.1.attn.qkv.w');
    const two = weightMap(ExperimentConfigSchema.parse(VARIANTS.two_towers).model, 60);
    expect(two.find((e) => e.name === 'text.blocks.0.mlp.fc2.weight')).to.deep.include({ source: 'text.enc.blocks.0.mlp.fc2.w', shape: [24, 72] });
  });

  it('Linear weights transpose to [out, in] and the patch projection becomes Conv2d [D, C, p, p] (MAE order)', () => {
    const lin: WeightEntry = { name: 'l.weight', source: 'l.w', layout: { kind: 'linear' }, shape: [3, 2] };
    // mvlm [in=2, out=3] = [[1, 2, 3], [4, 5, 6]] -> [out, in] = [[1, 4], [2, 5], [3, 6]]
    expect(Array.from(toExportLayout(lin, Float32Array.of(1, 2, 3, 4, 5, 6), [2, 3]))).to.deep.equal([1, 4, 2, 5, 3, 6]);
    const p = 2;
    const C = 3;
    const D = 5;
    const conv: WeightEntry = { name: 'c.weight', source: 'c.w', layout: { kind: 'conv', patch: p, channels: C }, shape: [D, C, p, p] };
    const w = Float32Array.from({ length: p * p * C * D }, (_, i) => i);
    const out = toExportLayout(conv, w, [p * p * C, D]);
    for (const [d, c, y, x] of [[0, 0, 0, 0], [4, 2, 1, 0], [3, 1, 0, 1], [1, 2, 1, 1]]) {
      // patch vector index (y·p + x)·C + c, as patchify orders a patch's pixels
      expect(out[((d * C + c) * p + y) * p + x], `[${d},${c},${y},${x}]`).to.equal(w[((y * p + x) * C + c) * D + d]);
    }
  });

  it('fromExportLayout inverts toExportLayout for every entry, and refuses an untied shared core', async () => {
    const model = await buildModel(ExperimentConfigSchema.parse(VARIANTS.single_stream), tokenizer);
    try {
      const entries = weightMap(model.cfg, tokenizer.vocabSize);
      const exported = new Map<string, Float32Array>();
      const shapes = new Map<string, number[]>();
      const original = new Map<string, Float32Array>();
      for (const e of entries) {
        const v = model.store.variable(e.source);
        original.set(e.source, v.dataSync() as Float32Array);
        shapes.set(e.source, v.shape);
        exported.set(e.name, toExportLayout(e, original.get(e.source)!, v.shape));
      }
      const back = fromExportLayout(entries, exported, shapes);
      expect([...back.keys()].sort()).to.deep.equal([...original.keys()].sort());
      for (const [name, values] of back) expect(Array.from(values), name).to.deep.equal(Array.from(original.get(name)!));
      exported.get('text.blocks.0.norm1.weight')![0] += 1;
      expect(() => fromExportLayout(entries, exported, shapes)).to.throw(/text\.blocks\.0\.norm1\.weight: differs .* image\.enc\.blocks\.0\.ln1\.gamma/);
      exported.delete('visual.type_embed');
      expect(() => fromExportLayout(entries, exported, shapes)).to.throw(/no tensor visual\.type_embed/);
    } finally {
      model.dispose();
    }
  });
});
