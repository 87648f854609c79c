/**
 * python/mvlm_reference.py against mvlm on exported checkpoints of every exported arrangement: the
 * embeddings to 1e-4, the token ids exactly. Two broken exports (a forgotten transpose, a changed
 * piece score) must fail the same comparison, and the README's two Python snippets must run.
 */
import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { embedCommand } from '../../lib/commands/embed';
import { exportCommand } from '../../lib/commands/export';
import { loadConfig } from '../../lib/config';
import { SubwordTokenizer } from '../../lib/data';
import { ExperimentConfigSchema, runTraining } from '../../lib/run';
import { decodeSafetensors, encodeSafetensors } from '../../lib/train';
import { captured } from '../helpers';
import { TORCH, describeNeeding, torchPython } from '../system_requirements';
import { VARIANTS, perturbedCheckpoint, randomCaptions, trickyJsonl } from './fixtures';

interface Parity {
  name: string;
  items: number;
  image_max_abs: number;
  text_max_abs: number;
  norm_max_err: number;
  token_rows_differing: { caption: string; mvlm: number[]; python: number[] }[];
}

const ROOT = path.join(__dirname, '..', '..');

function python(args: string[], cwd = ROOT): string {
  const r = spawnSync(torchPython(), args, { cwd, encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: '1' } });
  if (r.status !== 0) throw new Error(`${torchPython()} ${args.join(' ')} exited ${r.status}:\n${r.stderr}`);
  return r.stdout;
}

/** The n-th ```python block of the README section "Using a model outside mvlm". */
function readmeSnippet(n: number): string {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
  const section = readme.split('## Using a model outside mvlm')[1].split('\n## ')[0];
  const blocks = [...section.matchAll(/```python\n([\s\S]*?)```/g)].map((m) => m[1]);
  expect(blocks.length, 'python blocks in the README section').to.equal(2);
  return blocks[n];
}

describeNeeding(TORCH, 'interop: python/mvlm_reference.py equals mvlm (PyTorch parity)', function () {
  this.timeout(600000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-parity-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cases: { name: string; export: string; embeddings?: string; tokens?: object }[] = [];
  let results: Map<string, Parity>;

  const exportAndEmbed = async (name: string, checkpoint: string, jsonl: string) => {
    const out = path.join(dir, name);
    const embeddings = path.join(dir, `${name}.safetensors`);
    const exported = await captured(() => exportCommand(['--checkpoint', checkpoint, '--out', out]));
    expect(exported.result, exported.err).to.equal(0);
    const embed = await captured(() => embedCommand(['--checkpoint', checkpoint, '--dataset', `jsonl:${jsonl}`, '--split', 'all', '--out', embeddings]));
    expect(embed.result, embed.err).to.equal(0);
    cases.push({ name, export: out, embeddings });
  };

  before(async () => {
    const jsonl = await trickyJsonl(dir);
    const { config } = loadConfig(ExperimentConfigSchema, 'clip', ['data.train=shapes', 'data.size=16', 'data.batchSize=4', 'data.maxLen=12', 'train.steps=3', 'train.quiet=true']);
    const { experiment } = await runTraining(config, { out: path.join(dir, 'run') });
    experiment.model.dispose();
    await exportAndEmbed('trained_two_towers', path.join(dir, 'run'), jsonl);
    for (const [name, input] of Object.entries(VARIANTS)) await exportAndEmbed(name, await perturbedCheckpoint(path.join(dir, `ck-${name}`), input), jsonl);

    // random text through the trained tokenizer (shapes pieces only: many unknowns) and a richer one
    const captions = randomCaptions(300, 5);
    for (const name of ['trained_two_towers', 'two_towers']) {
      const exported = cases.find((c) => c.name === name)!.export;
      const tokenizer = SubwordTokenizer.fromJSON(JSON.parse(fs.readFileSync(path.join(exported, 'tokenizer.json'), 'utf8')));
      const encoded = captions.map((c) => tokenizer.encode(c, 48));
      const tokens = { captions, max_length: 48, ids: encoded.map((e) => e.ids), attention: encoded.map((e) => e.attention) };
      cases.push({ name: `tokens_${name}`, export: exported, tokens });
    }

    // broken copies of the trained export: the check has to see each of them
    const trained = cases[0];
    const copy = (name: string) => {
      const to = path.join(dir, name);
      fs.cpSync(trained.export, to, { recursive: true });
      cases.push({ name, export: to, embeddings: trained.embeddings! });
      return to;
    };
    const untransposed = path.join(copy('control_untransposed'), 'model.safetensors');
    const st = decodeSafetensors(fs.readFileSync(untransposed), untransposed);
    const w = st.tensors.get('visual_projection.weight')!; // [128, 128]: mvlm's [in, out] fits the same shape
    const [R, C] = w.shape;
    const flipped = new Float32Array(w.data.length);
    for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) flipped[c * R + r] = w.data[r * C + c];
    st.tensors.set('visual_projection.weight', { ...w, data: flipped });
    fs.writeFileSync(untransposed, encodeSafetensors(st.tensors, st.metadata));
    const tokFile = path.join(copy('control_piece_score'), 'tokenizer.json');
    const tok = JSON.parse(fs.readFileSync(tokFile, 'utf8'));
    const used = SubwordTokenizer.fromJSON(tok).tokenize('A RED Circle, left of the blue square!');
    const longest = used.reduce((a, b) => (tok.pieces[b][0].length > tok.pieces[a][0].length ? b : a));
    tok.pieces[longest][1] = -1000; // mvlm segmented with the original score
    fs.writeFileSync(tokFile, JSON.stringify(tok));

    const file = path.join(dir, 'cases.json');
    fs.writeFileSync(file, JSON.stringify(cases));
    const parsed = JSON.parse(python([path.join(ROOT, 'test', 'interop', 'check_parity.py'), file])) as Parity[];
    results = new Map(parsed.map((p) => [p.name, p]));
    const fmt = (p: Parity) => `${p.name} image ${p.image_max_abs.toExponential(1)} text ${p.text_max_abs.toExponential(1)}`;
    console.log(`      parity, max |python - mvlm|: ${parsed.filter((p) => p.image_max_abs !== undefined && !p.name.startsWith('control')).map(fmt).join('; ')}`);
  });

  for (const name of ['trained_two_towers', ...Object.keys(VARIANTS)]) {
    it(`${name}: image and text embeddings within 1e-4, unit norm, token ids and attention identical`, () => {
      const p = results.get(name)!;
      expect(p.items).to.equal(8);
      expect(p.image_max_abs, 'image').to.be.below(1e-4);
      expect(p.text_max_abs, 'text').to.be.below(1e-4);
      expect(p.norm_max_err, 'norm').to.be.below(1e-5);
      expect(p.token_rows_differing).to.deep.equal([]);
    });
  }

  it('random text (case, NFKC, astral, controls, odd spaces, combining marks, CJK) tokenizes to the same ids', () => {
    for (const name of ['tokens_trained_two_towers', 'tokens_two_towers']) {
      const p = results.get(name)!;
      expect(p.items, name).to.equal(300);
      expect(p.token_rows_differing, name).to.deep.equal([]);
    }
  });

  it('the comparison sees a forgotten transpose and a changed piece score', () => {
    const untransposed = results.get('control_untransposed')!;
    expect(untransposed.image_max_abs).to.be.above(1e-2);
    expect(untransposed.text_max_abs, 'the text side untouched').to.be.below(1e-4);
    const score = results.get('control_piece_score')!;
    expect(score.token_rows_differing.map((r) => r.caption)).to.include('A RED Circle, left of the blue square!');
  });

  it("the README's numpy reading of mvlm embed gives the file's top-1, and its PyTorch snippet runs", () => {
    const embeddings = cases[0].embeddings!;
    const st = decodeSafetensors(fs.readFileSync(embeddings), embeddings);
    const [img, txt] = [st.tensors.get('image_emb')!, st.tensors.get('text_emb')!];
    const [N, E] = img.shape;
    let hits = 0;
    for (let i = 0; i < N; i++) {
      let best = -1;
      let bestScore = -Infinity;
      for (let j = 0; j < N; j++) {
        let s = 0;
        for (let k = 0; k < E; k++) s += img.data[i * E + k] * txt.data[j * E + k];
        if (s > bestScore) [best, bestScore] = [j, s];
      }
      hits += best === i ? 1 : 0;
    }
    const numpy = readmeSnippet(0).replace(/^EMBEDDINGS = .*$/m, `EMBEDDINGS = ${JSON.stringify(embeddings)}`);
    const top1 = Number(/image->text top-1: ([\d.]+)/.exec(python(['-c', numpy]))![1]);
    expect(top1).to.be.closeTo(hits / N, 1e-9);
    const torchSnippet = readmeSnippet(1).replace(/^EXPORT = .*$/m, `EXPORT = ${JSON.stringify(cases[0].export)}`);
    expect(python(['-c', torchSnippet])).to.match(/^tensor\(\[\[[\d.e+-]+, [\d.e+-]+\],\s+\[[\d.e+-]+, [\d.e+-]+\]\]\)/);
  });
});
