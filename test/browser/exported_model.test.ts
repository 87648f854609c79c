import { expect } from 'chai';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { ExportFiles, exportedModelFromFiles, loadExportedModel } from '../../lib/browser';
import { EVAL } from '../../lib/core';
import { encodeCaptions, loadDataset } from '../../lib/data';
import { exportCheckpoint } from '../../lib/interop';
import { decodeSafetensors, encodeSafetensors } from '../../lib/train';
import { imageBatch, loadTrainedModel } from '../../lib/run';
import { expectNoLeak, rejection } from '../helpers';
import { TRICKY_CAPTIONS, VARIANTS, perturbedCheckpoint } from '../interop/fixtures';

function readExport(dir: string): ExportFiles {
  return {
    config: fs.readFileSync(path.join(dir, 'config.json'), 'utf8'),
    tokenizer: fs.readFileSync(path.join(dir, 'tokenizer.json'), 'utf8'),
    weights: fs.readFileSync(path.join(dir, 'model.safetensors')),
  };
}

const maxAbsDiff = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => a.sub(b).abs().max().dataSync()[0]);

/** The browser entry's loader, run in Node on the same backend as mvlm: the rebuilt towers must be mvlm's. */
describe('browser: an mvlm export rebuilt by mvlm/browser (in Node)', function () {
  this.timeout(300_000);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-browser-export-'));
  const exports: Record<string, { checkpoint: string; out: string }> = {};
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  before(async () => {
    for (const variant of Object.keys(VARIANTS)) {
      const checkpoint = await perturbedCheckpoint(path.join(dir, variant), VARIANTS[variant]);
      const out = path.join(dir, `${variant}-export`);
      await exportCheckpoint(checkpoint, out);
      exports[variant] = { checkpoint, out };
    }
  });

  for (const variant of Object.keys(VARIANTS)) {
    it(`${variant}: image and text embeddings equal the checkpoint's own (mvlm in Node), with no tensor left behind`, async () => {
      const { checkpoint, out } = exports[variant];
      const trained = await loadTrainedModel(checkpoint);
      const { model, tokenizer, config } = trained;
      const S = config.model.imageSize;
      const shapes = await loadDataset('shapes', { split: 'test', size: 6, imageSize: S });
      const pixels = imageBatch(shapes, 0, 6);
      const { ids, attention } = encodeCaptions(tokenizer, TRICKY_CAPTIONS, config.data.maxLen);
      const wantImages = model.embedImages(pixels, EVAL);
      const wantTexts = model.embedTexts(ids, attention, EVAL);
      try {
        await expectNoLeak(() => {
          const loaded = exportedModelFromFiles(readExport(out), out);
          try {
            expect(loaded.imageSize).to.equal(S);
            const images = loaded.embedImages(pixels);
            const texts = loaded.embedTexts(TRICKY_CAPTIONS);
            expect(images.shape).to.deep.equal(wantImages.shape);
            expect(texts.shape).to.deep.equal(wantTexts.shape);
            expect(maxAbsDiff(images, wantImages), 'images').to.be.below(1e-6);
            expect(maxAbsDiff(texts, wantTexts), 'texts').to.be.below(1e-6);
            // not trivially equal: different items give different embeddings
            expect(tf.tidy(() => images.slice([0, 0], [1, -1]).sub(images.slice([1, 0], [1, -1])).abs().max().dataSync()[0])).to.be.above(1e-3);
            tf.dispose([images, texts]);
          } finally {
            loaded.dispose();
          }
        });
      } finally {
        tf.dispose([pixels, ids, attention, wantImages, wantTexts]);
        model.dispose();
      }
    });
  }

  it('loadExportedModel fetches the three files from a folder URL (any fetch), and names a URL that fails', async () => {
    const { out } = exports.shared_core;
    const asked: string[] = [];
    const fromDisk = async (url: string) => {
      asked.push(url);
      const file = path.join(out, url.replace('http://127.0.0.1:1/model/', ''));
      return fs.existsSync(file) ? new Response(fs.readFileSync(file)) : new Response('', { status: 404, statusText: 'Not Found' });
    };
    await expectNoLeak(async () => {
      const loaded = await loadExportedModel('http://127.0.0.1:1/model', fromDisk);
      expect(loaded.config.variant).to.equal('shared_core');
      loaded.dispose();
    });
    expect(asked.sort()).to.deep.equal(['config.json', 'model.safetensors', 'tokenizer.json'].map((f) => `http://127.0.0.1:1/model/${f}`));
    const e = await rejection(loadExportedModel('http://127.0.0.1:1/elsewhere/', fromDisk));
    expect(e.message).to.match(/^http:\/\/127\.0\.0\.1:1\/elsewhere\/\w+\.\w+: HTTP 404 Not Found$/);
  });

  it('a file that is not an export, or weights missing a tensor, fail naming the file and what is wrong', async () => {
    const { out } = exports.two_towers;
    const files = readExport(out);
    const numTensors = tf.memory().numTensors;
    const cfg = JSON.parse(files.config);
    expect(() => exportedModelFromFiles({ ...files, config: JSON.stringify({ ...cfg, format_version: 2 }) }, 'site/model')).to.throw(
      'site/model/config.json: not an mvlm export of format mvlm-export version 1 (format "mvlm-export", version 2)',
    );
    expect(() => exportedModelFromFiles({ ...files, config: '{"format": ' }, 'site/model')).to.throw(/^site\/model\/config\.json:1:12: invalid JSON/);
    expect(() => exportedModelFromFiles({ ...files, tokenizer: '{"format": "bpe"}' }, 'site/model')).to.throw(/^site\/model\/tokenizer\.json: .*not an mvlm tokenizer/);
    const weights = decodeSafetensors(files.weights);
    weights.tensors.delete('text_projection.weight');
    expect(() => exportedModelFromFiles({ ...files, weights: encodeSafetensors(weights.tensors) }, 'site/model')).to.throw(
      'site/model/model.safetensors: exported weights have no tensor text_projection.weight',
    );
    // the half-built model of a failed load is disposed
    expect(tf.memory().numTensors).to.equal(numTensors);
  });
});
