import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { embedCommand } from '../../lib/commands/embed';
import { exportCommand } from '../../lib/commands/export';
import { loadConfig } from '../../lib/config';
import { EVAL } from '../../lib/core';
import { loadDataset } from '../../lib/data';
import { weightMap } from '../../lib/interop';
import { ExperimentConfigSchema, loadTrainedModel, runTraining } from '../../lib/run';
import { writeTinyUseModel } from '../../lib/pretrained';
import { decodeSafetensors, readMetrics } from '../../lib/train';
import { captured, expectNoLeak, rejection } from '../helpers';
import { TRICKY_CAPTIONS, trickyJsonl } from './fixtures';

describe('interop: mvlm embed and mvlm export of a trained checkpoint', function () {
  this.timeout(300000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-interop-'));
  const run = path.join(dir, 'run');
  let jsonl: string;
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  before(async () => {
    const { config } = loadConfig(ExperimentConfigSchema, 'clip', ['data.train=shapes', 'data.size=16', 'data.batchSize=4', 'data.maxLen=12', 'train.steps=2', 'train.quiet=true']);
    const { experiment } = await runTraining(config, { out: run });
    experiment.model.dispose();
    jsonl = await trickyJsonl(dir);
  });

  it('embed: every item in file order, read back equal to the model embedding each item alone', async () => {
    const out = path.join(dir, 'emb.safetensors');
    const cli = await captured(() => expectNoLeak(() => embedCommand(['--checkpoint', run, '--dataset', `jsonl:${jsonl}`, '--split', 'all', '--batch-size', '3', '--out', out])));
    expect(cli.result, cli.err).to.equal(0);
    expect(cli.out).to.match(/step 2\) on jsonl:.* \(all, 8 items\) -> .*emb\.safetensors: pixels, ids, attention, image_emb, text_emb, labels \(E=128\)/);
    const { tensors, metadata } = decodeSafetensors(fs.readFileSync(out), out);
    const N = TRICKY_CAPTIONS.length;
    const shape = (n: string) => [tensors.get(n)!.dtype, ...tensors.get(n)!.shape];
    expect([...tensors.keys()]).to.deep.equal(['pixels', 'ids', 'attention', 'image_emb', 'text_emb', 'labels']);
    expect(shape('pixels')).to.deep.equal(['F32', N, 32, 32, 3]);
    expect(shape('ids')).to.deep.equal(['I32', N, 12]);
    expect(shape('attention')).to.deep.equal(['I32', N, 12]);
    expect(shape('image_emb')).to.deep.equal(['F32', N, 128]);
    expect(shape('text_emb')).to.deep.equal(['F32', N, 128]);
    expect(Array.from(tensors.get('labels')!.data)).to.deep.equal([0, 1, 0, 1, 0, 1, 0, 1]);
    expect(JSON.parse(metadata.class_names)).to.deep.equal(['even', 'odd']);
    expect(JSON.parse(metadata.captions)).to.deep.equal(TRICKY_CAPTIONS);
    expect(metadata).to.include({ format: 'mvlm-embeddings', step: '2', dataset: `jsonl:${jsonl}`, split: 'all', text_tower: 'scratch' });

    // mvlm's own embedding of each item on its own (batch of one: no batching effect can hide)
    const trained = await loadTrainedModel(run);
    const dataset = await loadDataset(`jsonl:${jsonl}`, { split: 'all', imageSize: 32, quiet: true });
    try {
      const row = (name: string, i: number) => {
        const t = tensors.get(name)!;
        const width = t.data.length / N;
        return Array.from(t.data.subarray(i * width, (i + 1) * width));
      };
      let worst = 0;
      for (let i = 0; i < N; i++) {
        const image = dataset.get(i).image;
        expect(row('pixels', i), `pixels ${i}`).to.deep.equal(Array.from(image));
        const enc = trained.tokenizer.encode(TRICKY_CAPTIONS[i], 12);
        expect(row('ids', i), `ids ${i}`).to.deep.equal(enc.ids);
        expect(row('attention', i), `attention ${i}`).to.deep.equal(enc.attention);
        const [img, txt] = tf.tidy(() => [
          trained.model.embedImages(tf.tensor4d(image, [1, 32, 32, 3]), EVAL).dataSync(),
          trained.model.embedTexts(tf.tensor2d(enc.ids, [1, 12], 'int32'), tf.tensor2d(enc.attention, [1, 12]), EVAL).dataSync(),
        ]);
        for (const [name, own] of [['image_emb', img], ['text_emb', txt]] as const) {
          const r = row(name, i);
          expect(Math.hypot(...r), `${name} ${i} norm`).to.be.closeTo(1, 1e-5);
          r.forEach((v, k) => (worst = Math.max(worst, Math.abs(v - own[k]))));
        }
      }
      expect(worst, 'max |file - mvlm|').to.be.below(1e-5);
    } finally {
      trained.model.dispose();
    }
  });

  it('embed: an empty split and a bad --split fail naming them', async () => {
    const err = await rejection(embedCommand(['--checkpoint', run, '--dataset', `jsonl:${jsonl}`, '--split', 'train', '--out', path.join(dir, 'x.safetensors')]));
    expect(err.message).to.match(/jsonl:.*tricky\.jsonl has no items in --split train/);
    const bad = await captured(() => embedCommand(['--checkpoint', run, '--dataset', 'shapes', '--split', 'every', '--out', path.join(dir, 'x.safetensors')]));
    expect(bad.result).to.equal(1);
    expect(bad.err).to.match(/'every' is invalid/);
  });

  it('export: config.json, model.safetensors with the mapped names and PyTorch layouts, tokenizer.json, a model card with the logged loss', async () => {
    const out = path.join(dir, 'export');
    const cli = await captured(() => expectNoLeak(() => exportCommand(['--checkpoint', run, '--out', out])));
    expect(cli.result, cli.err).to.equal(0);
    expect(fs.readdirSync(out).sort()).to.deep.equal(['README.md', 'config.json', 'model.safetensors', 'tokenizer.json']);
    const config = JSON.parse(fs.readFileSync(path.join(out, 'config.json'), 'utf8'));
    expect(config).to.deep.include({ format: 'mvlm-export', format_version: 1, variant: 'two_towers', embed_dim: 128, logit_bias: false, joint_space_trained: true });
    expect(config.checkpoint.step).to.equal(2);
    expect(config.text).to.deep.include({ max_length: 12, max_positions: 12, pooling: 'cls', cls_id: 2 });
    expect(config.vision).to.deep.include({ image_size: 32, patch_size: 8, mlp_dim: 512, pooling: 'cls' });
    expect(config.training.objectives).to.deep.equal([{ name: 'clip', weight: 1 }]);

    const trained = await loadTrainedModel(run);
    try {
      const file = path.join(out, 'model.safetensors');
      const { tensors, metadata } = decodeSafetensors(fs.readFileSync(file), file);
      expect(metadata).to.include({ format: 'pt', mvlm_format: 'mvlm-export', step: '2' });
      const entries = weightMap(trained.model.cfg, trained.tokenizer.vocabSize);
      expect([...tensors.keys()]).to.deep.equal(entries.map((e) => e.name));
      for (const e of entries) expect(tensors.get(e.name)!.shape, e.name).to.deep.equal(e.shape);
      // nn.Linear [out, in]: row o of the export is column o of mvlm's [in, out]
      const w = trained.model.store.variable('imageProj.proj.w').arraySync() as number[][];
      const exported = tensors.get('visual_projection.weight')!;
      expect(exported.shape).to.deep.equal([128, 128]);
      expect(exported.data[5 * 128 + 9]).to.equal(w[9][5]);
      expect(tensors.get('logit_scale')!.data[0]).to.equal(trained.model.logit.logScale.dataSync()[0]);
      const tokenizer = JSON.parse(fs.readFileSync(path.join(out, 'tokenizer.json'), 'utf8'));
      expect(tokenizer.pieces).to.deep.equal(trained.tokenizer.pieces);
      expect(tokenizer.special_tokens.cls).to.deep.equal({ id: 2, token: '[CLS]' });
      expect(tokenizer.max_length).to.equal(12);
    } finally {
      trained.model.dispose();
    }
    const card = fs.readFileSync(path.join(out, 'README.md'), 'utf8');
    const loss = readMetrics(path.join(run, 'metrics.jsonl')).find((l) => l.step === 2)!.loss;
    expect(card).to.include('- objectives: clip').and.include('- steps: 2 of 2').and.include(`training loss (log interval ending here): ${loss.toPrecision(4)}`);
  });

  it('LiT (frozen USE text tower): embed writes the frozen tower\'s text embeddings; export refuses, saying why', async () => {
    const tiny = writeTinyUseModel({ dir: path.join(dir, 'use') });
    const sets = [`model.textTower.modelDir=${tiny.modelDir}`, 'data.train=shapes', 'data.size=16', 'data.batchSize=4', 'data.maxLen=12', 'train.steps=2', 'train.quiet=true'];
    const lit = path.join(dir, 'lit');
    const { experiment } = await runTraining(loadConfig(ExperimentConfigSchema, 'lit_uL_use', sets).config, { out: lit });
    experiment.model.dispose();
    const out = path.join(dir, 'lit.safetensors');
    const cli = await captured(() => expectNoLeak(() => embedCommand(['--checkpoint', lit, '--dataset', `jsonl:${jsonl}`, '--split', 'all', '--out', out])));
    expect(cli.result, cli.err).to.equal(0);
    const { tensors, metadata } = decodeSafetensors(fs.readFileSync(out), out);
    expect(metadata.text_tower).to.equal('use');
    const trained = await loadTrainedModel(lit);
    try {
      await trained.model.frozenText!.ensure(TRICKY_CAPTIONS);
      const own = tf.tidy(() => trained.model.embedFrozenTexts(TRICKY_CAPTIONS).dataSync());
      const file = tensors.get('text_emb')!.data;
      expect(Math.max(...Array.from(own, (v, i) => Math.abs(v - file[i])))).to.be.below(1e-5);
    } finally {
      trained.model.dispose();
    }
    const err = await rejection(exportCommand(['--checkpoint', lit, '--out', path.join(dir, 'lit-export')]));
    expect(err.message).to.match(/lit\/checkpoints\/step-2 cannot be exported: its text tower is the frozen Universal Sentence Encoder/);
    expect(fs.existsSync(path.join(dir, 'lit-export')), 'nothing written').to.equal(false);
  });

  it('export refuses an --out that is a file', async () => {
    const file = path.join(dir, 'a-file');
    fs.writeFileSync(file, '');
    expect((await rejection(exportCommand(['--checkpoint', run, '--out', file]))).message).to.match(/--out .*a-file is a file, not a folder/);
  });
});
