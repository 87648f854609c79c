/**
 * Writes a tiny model in the USE-lite tfjs graph-model format, for tests and demos without the real
 * weights: same inputs (`indices` int32 [n, 2] of (sentence, position), `values` int32 [n] piece
 * ids), same output ([B, dim] float32), same files (`model.json`, one `.bin` shard, `vocab.json`).
 *
 *   segment_ids  = GatherV2(indices, 0, axis 1)                 // [n] sentence of each piece
 *   mean         = SparseSegmentMean(embeddings, values, segment_ids)   // [B, dim]
 *   l2_normalize = mean * Rsqrt(Maximum(Sum(Square(mean), 1, keep_dims), eps))
 *
 * so a sentence's embedding is the L2-normalised mean of its pieces' embedding rows, which tests can
 * compute by hand. Built with no Python and no network; randomness from `Rng(seed)`.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Rng } from '../random';
import type { Vocabulary } from './tokenizer';

export interface TinyUseModel {
  modelDir: string;
  vocabPath: string;
  vocab: Vocabulary;
  /** [V, dim] row-major: row i is the embedding of vocabulary piece i. */
  embeddings: Float32Array;
  dim: number;
  /** The floor under the squared norm, as stored in the graph. */
  eps: number;
}

const SEP = '\u2581'; // SentencePiece word boundary, as the USE tokenizer writes it
/** The USE tokenizer treats the first 6 vocabulary entries as reserved (unk, controls). */
const RESERVED = ['<unk>', '<s>', '</s>', '<pad>', '<ctrl1>', '<ctrl2>'];
const WORDS = ['a', 'cat', 'dog', 'on', 'the', 'mat', 'red', 'blue', 'sits', 'runs', 'bird', 'car', 'in', 'sky'];
const LETTERS = 'abcdefghijklmnopqrstuvwxyz'.split('');

/** A small SentencePiece vocabulary: whole words (cheap) and single letters (expensive fallback). */
export function tinyUseVocabulary(): Vocabulary {
  return [
    ...RESERVED.map((p): [string, number] => [p, 0]),
    ...WORDS.map((w): [string, number] => [SEP + w, -2]),
    [SEP, -8],
    ...LETTERS.map((c): [string, number] => [c, -10]),
  ];
}

type Attr = Record<string, unknown>;
const dtype = (t: string): Attr => ({ type: t });
const shapeAttr = (dims: number[]): Attr => ({ shape: { dim: dims.map((d) => ({ size: String(d) })) } });
const tensorShape = (dims: number[]) => ({ dim: dims.map((d) => ({ size: String(d) })) });

function constNode(name: string, dt: string, dims: number[]) {
  return { name, op: 'Const', attr: { dtype: dtype(dt), value: { tensor: { dtype: dt, tensorShape: tensorShape(dims) } } } };
}

/** GraphDef (JSON) of the tiny encoder; constants' values live in the weight shard. */
function graphDef(vocabSize: number, dim: number) {
  const i32 = dtype('DT_INT32');
  const f32 = dtype('DT_FLOAT');
  return {
    node: [
      { name: 'indices', op: 'Placeholder', attr: { dtype: i32, shape: shapeAttr([-1, 2]) } },
      { name: 'values', op: 'Placeholder', attr: { dtype: i32, shape: shapeAttr([-1]) } },
      constNode('embeddings', 'DT_FLOAT', [vocabSize, dim]),
      constNode('sentence_column', 'DT_INT32', []),
      constNode('column_axis', 'DT_INT32', []),
      constNode('reduce_axis', 'DT_INT32', [1]),
      constNode('norm_eps', 'DT_FLOAT', []),
      {
        name: 'segment_ids',
        op: 'GatherV2',
        input: ['indices', 'sentence_column', 'column_axis'],
        attr: { Tparams: i32, Tindices: i32, Taxis: i32, batch_dims: { i: '0' } },
      },
      {
        name: 'mean',
        op: 'SparseSegmentMean',
        input: ['embeddings', 'values', 'segment_ids'],
        attr: { T: f32, Tidx: i32, Tsegmentids: i32 },
      },
      { name: 'square', op: 'Square', input: ['mean'], attr: { T: f32 } },
      { name: 'sum_sq', op: 'Sum', input: ['square', 'reduce_axis'], attr: { T: f32, Tidx: i32, keep_dims: { b: true } } },
      { name: 'floored', op: 'Maximum', input: ['sum_sq', 'norm_eps'], attr: { T: f32 } },
      { name: 'inv_norm', op: 'Rsqrt', input: ['floored'], attr: { T: f32 } },
      { name: 'l2_normalize', op: 'Mul', input: ['mean', 'inv_norm'], attr: { T: f32 } },
    ],
    versions: { producer: 1 },
  };
}

function signature(dim: number) {
  const entry = (name: string, dt: string, dims: number[]) => ({ name, dtype: dt, tensorShape: tensorShape(dims) });
  return {
    inputs: { indices: entry('indices:0', 'DT_INT32', [-1, 2]), values: entry('values:0', 'DT_INT32', [-1]) },
    outputs: { default: entry('l2_normalize:0', 'DT_FLOAT', [-1, dim]) },
  };
}

/** Write `model.json`, `group1-shard1of1.bin` and `vocab.json` into `dir` (created if needed). */
export function writeTinyUseModel({ dir, dim = 512, seed = 0 }: { dir: string; dim?: number; seed?: number }): TinyUseModel {
  const vocab = tinyUseVocabulary();
  const rng = new Rng(seed);
  const embeddings = new Float32Array(vocab.length * dim);
  for (let i = 0; i < embeddings.length; i++) embeddings[i] = rng.normal();
  const eps = 1e-12;

  // Shard layout follows the manifest order below: embeddings, then the small constants.
  const ints = new Int32Array([0, 1, 1]); // sentence_column, column_axis, reduce_axis
  const shard = Buffer.concat([
    Buffer.from(embeddings.buffer),
    Buffer.from(ints.buffer),
    Buffer.from(new Float32Array([eps]).buffer),
  ]);
  const shardName = 'group1-shard1of1.bin';
  const modelJson = {
    format: 'graph-model',
    generatedBy: 'mvlm tiny USE-format model',
    convertedBy: 'mvlm lib/pretrained/tiny_use.ts',
    modelTopology: graphDef(vocab.length, dim),
    signature: signature(dim),
    userDefinedMetadata: { seed, dim, vocabSize: vocab.length },
    weightsManifest: [
      {
        paths: [shardName],
        weights: [
          { name: 'embeddings', shape: [vocab.length, dim], dtype: 'float32' },
          { name: 'sentence_column', shape: [], dtype: 'int32' },
          { name: 'column_axis', shape: [], dtype: 'int32' },
          { name: 'reduce_axis', shape: [1], dtype: 'int32' },
          { name: 'norm_eps', shape: [], dtype: 'float32' },
        ],
      },
    ],
  };
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'model.json'), JSON.stringify(modelJson));
  fs.writeFileSync(path.join(dir, shardName), shard);
  const vocabPath = path.join(dir, 'vocab.json');
  fs.writeFileSync(vocabPath, JSON.stringify(vocab));
  return { modelDir: dir, vocabPath, vocab, embeddings, dim, eps };
}
