import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { expect } from 'chai';
import { fileModelHandler, loadGraphModelFromDir } from '../../lib/pretrained';
import { expectNoLeak } from '../helpers';
import { editModelJson, makeTinyUse, rejection } from './tiny_dir';

describe('pretrained/file_io', () => {
  let tiny: ReturnType<typeof makeTinyUse>;
  beforeEach(() => (tiny = makeTinyUse()));
  afterEach(() => tiny.cleanup());

  it('load() returns the full ModelArtifacts of model.json and its shard', async () => {
    const art = await fileModelHandler(tiny.modelDir).load!();
    const json = JSON.parse(fs.readFileSync(path.join(tiny.modelDir, 'model.json'), 'utf8'));
    expect(art.format).to.equal('graph-model');
    expect(art.generatedBy).to.equal(json.generatedBy);
    expect(art.convertedBy).to.equal(json.convertedBy);
    expect(art.signature).to.deep.equal(json.signature);
    expect(art.userDefinedMetadata).to.deep.equal(json.userDefinedMetadata);
    expect(art.modelTopology).to.deep.equal(json.modelTopology);
    expect(art.weightSpecs!.map((w) => w.name)).to.deep.equal(json.weightsManifest[0].weights.map((w: { name: string }) => w.name));
    const data = art.weightData as ArrayBuffer[];
    const shard = fs.readFileSync(path.join(tiny.modelDir, 'group1-shard1of1.bin'));
    expect(data.reduce((a, b) => a + b.byteLength, 0)).to.equal(shard.byteLength);
    // The first weight is the embedding table, byte for byte.
    expect(Array.from(new Float32Array(data[0], 0, 8))).to.deep.equal(Array.from(tiny.embeddings.subarray(0, 8)));
  });

  it('accepts the model.json path itself, and tf.loadGraphModel(handler) builds the graph', async () => {
    await expectNoLeak(async () => {
      const model = await tf.loadGraphModel(fileModelHandler(path.join(tiny.modelDir, 'model.json')));
      expect(model.inputs.map((i) => i.name).sort()).to.deep.equal(['indices', 'values']);
      expect(model.outputs.map((o) => o.name)).to.deep.equal(['l2_normalize']);
      const emb = model.weights['embeddings'][0];
      expect(emb.shape).to.deep.equal([tiny.vocab.length, 512]);
      model.dispose();
    });
  });

  it('a missing directory or model.json fails naming model.json', async () => {
    const missing = path.join(tiny.modelDir, 'nope');
    expect(await rejection(loadGraphModelFromDir(missing))).to.include(path.join(missing, 'model.json')).and.include('not found');
  });

  it('malformed model.json fails naming the file', async () => {
    const file = path.join(tiny.modelDir, 'model.json');
    fs.writeFileSync(file, '{"modelTopology": ');
    expect(await rejection(loadGraphModelFromDir(tiny.modelDir))).to.include(file).and.include('malformed');
    fs.writeFileSync(file, '{"weightsManifest": []}');
    expect(await rejection(loadGraphModelFromDir(tiny.modelDir))).to.include(file).and.include('modelTopology');
  });

  it('a layers model is refused', async () => {
    editModelJson(tiny.modelDir, (j) => (j.format = 'layers-model'));
    expect(await rejection(loadGraphModelFromDir(tiny.modelDir))).to.include("'layers-model'").and.include('model.json');
  });

  it('a missing shard fails naming the shard', async () => {
    const shard = path.join(tiny.modelDir, 'group1-shard1of1.bin');
    fs.unlinkSync(shard);
    expect(await rejection(loadGraphModelFromDir(tiny.modelDir))).to.include(shard).and.include('not found');
  });

  it('a shard of the wrong size fails naming the shard and both sizes', async () => {
    const shard = path.join(tiny.modelDir, 'group1-shard1of1.bin');
    const bytes = fs.readFileSync(shard);
    fs.writeFileSync(shard, bytes.subarray(0, bytes.length - 4));
    const msg = await rejection(loadGraphModelFromDir(tiny.modelDir));
    expect(msg).to.include(shard).and.include(String(bytes.length - 4)).and.include(String(bytes.length));
  });

  it('a node input naming no node fails naming model.json and the node', async () => {
    editModelJson(tiny.modelDir, (j) => (j.modelTopology.node.find((n) => n.name === 'square')!.input = ['no_such_node:0']));
    const msg = await expectNoLeak(() => rejection(loadGraphModelFromDir(tiny.modelDir)));
    expect(msg).to.include(path.join(tiny.modelDir, 'model.json')).and.include("'square'").and.include("'no_such_node:0'");
  });

  it('a graph tfjs cannot build fails naming model.json and leaks no weights', async () => {
    // versions: null passes our checks but makes tfjs throw after it has decoded the weights.
    editModelJson(tiny.modelDir, (j) => (j.modelTopology.versions = null));
    const msg = await expectNoLeak(() => rejection(loadGraphModelFromDir(tiny.modelDir)));
    expect(msg).to.include(path.join(tiny.modelDir, 'model.json')).and.include('cannot build');
  });
});
