/**
 * mvlm parameter names and layouts <-> the exported (PyTorch) ones: the one table both directions
 * read, so the exporter, the Python reference module and any loader agree by construction.
 * Pure data and host arrays only (no tfjs, no Node built-ins): a browser bundle may import it.
 */
import type { ModelConfig } from '../models/config';
import { textShape } from '../models/config';

/** How an exported tensor's values come from one mvlm parameter. */
export type Layout =
  /** Same values, same shape (LayerNorm, biases, embeddings, CLS, positions, logit scale). */
  | { kind: 'same' }
  /** mvlm Linear weight [in, out] -> PyTorch nn.Linear weight [out, in]. */
  | { kind: 'linear' }
  /** mvlm patch projection [p·p·C, D] (MAE order: row-major pixels, channels last) -> nn.Conv2d weight [D, C, p, p]. */
  | { kind: 'conv'; patch: number; channels: number }
  /** Row `row` of an mvlm table [R, D] -> [1, 1, D] (the single stream's modality embeddings). */
  | { kind: 'row'; row: number };

export interface WeightEntry {
  /** The exported (PyTorch state_dict) name. */
  name: string;
  /** The mvlm ParamStore name it is read from. */
  source: string;
  layout: Layout;
  /** The exported shape. */
  shape: number[];
}

/** Which arrangement of towers a model has: the exported files are the same for all three. */
export type Variant = 'two_towers' | 'shared_core' | 'single_stream';

export function variantOf(cfg: ModelConfig): Variant {
  if (cfg.singleStream) return 'single_stream';
  return cfg.shareCore ? 'shared_core' : 'two_towers';
}

/** The mvlm name of the encoder each tower runs (one name for both when they share a core). */
export function encoderSources(cfg: ModelConfig): { image: string; text: string } {
  const image = cfg.shareCore ? 'core' : 'image.enc';
  return { image, text: cfg.shareCore || cfg.singleStream ? image : 'text.enc' };
}

const same = { kind: 'same' } as const;
const linear = { kind: 'linear' } as const;

function linearEntries(name: string, source: string, inDim: number, outDim: number, bias = true): WeightEntry[] {
  const w: WeightEntry = { name: `${name}.weight`, source: `${source}.w`, layout: linear, shape: [outDim, inDim] };
  return bias ? [w, { name: `${name}.bias`, source: `${source}.b`, layout: same, shape: [outDim] }] : [w];
}

function normEntries(name: string, source: string, dim: number): WeightEntry[] {
  return [
    { name: `${name}.weight`, source: `${source}.gamma`, layout: same, shape: [dim] },
    { name: `${name}.bias`, source: `${source}.beta`, layout: same, shape: [dim] },
  ];
}

/** A timm-style encoder: `blocks.{i}.{norm1,attn.qkv,attn.proj,norm2,mlp.fc1,mlp.fc2}` and the final `norm`. */
function encoderEntries(prefix: string, source: string, depth: number, dim: number, mlpDim: number): WeightEntry[] {
  const out: WeightEntry[] = [];
  for (let i = 0; i < depth; i++) {
    const p = `${prefix}.blocks.${i}`;
    const s = `${source}.blocks.${i}`;
    out.push(
      ...normEntries(`${p}.norm1`, `${s}.ln1`, dim),
      ...linearEntries(`${p}.attn.qkv`, `${s}.attn.qkv`, dim, 3 * dim),
      ...linearEntries(`${p}.attn.proj`, `${s}.attn.out`, dim, dim),
      ...normEntries(`${p}.norm2`, `${s}.ln2`, dim),
      ...linearEntries(`${p}.mlp.fc1`, `${s}.mlp.fc1`, dim, mlpDim),
      ...linearEntries(`${p}.mlp.fc2`, `${s}.mlp.fc2`, mlpDim, dim),
    );
  }
  return [...out, ...normEntries(`${prefix}.norm`, `${source}.norm`, dim)];
}

/** MLP hidden width of a block of width `dim` (as lib/core/block.ts rounds it). */
export function mlpWidth(cfg: ModelConfig, dim: number): number {
  return Math.round(cfg.mlpRatio * dim);
}

/**
 * Every exported tensor of a model with config `cfg` (as built: `model.cfg`) and a vocabulary of
 * `vocabSize`: the image and text towers, both projections and the logit scale (and bias). A shared
 * core is listed under both towers (as a PyTorch state_dict lists a module reached by two names).
 */
export function weightMap(cfg: ModelConfig, vocabSize: number): WeightEntry[] {
  const D = cfg.width;
  const ts = textShape(cfg);
  const grid = cfg.imageSize / cfg.patchSize;
  const enc = encoderSources(cfg);
  const P = cfg.patchSize;
  const C = cfg.channels;
  const visual: WeightEntry[] = [
    { name: 'visual.patch_embed.proj.weight', source: 'image.patch.proj.w', layout: { kind: 'conv', patch: P, channels: C }, shape: [D, C, P, P] },
    { name: 'visual.patch_embed.proj.bias', source: 'image.patch.proj.b', layout: same, shape: [D] },
    { name: 'visual.cls_token', source: 'image.cls', layout: same, shape: [1, 1, D] },
    { name: 'visual.pos_embed', source: 'image.pos.pos', layout: same, shape: [1, grid * grid, D] },
  ];
  const text: WeightEntry[] = [
    { name: 'text.token_embedding.weight', source: 'text.tok.table', layout: same, shape: [vocabSize, ts.width] },
    { name: 'text.pos_embed', source: 'text.pos.pos', layout: same, shape: [1, ts.maxLen, ts.width] },
  ];
  if (cfg.singleStream) {
    visual.push({ name: 'visual.type_embed', source: 'stream.types', layout: { kind: 'row', row: 0 }, shape: [1, 1, D] });
    text.push({ name: 'text.type_embed', source: 'stream.types', layout: { kind: 'row', row: 1 }, shape: [1, 1, ts.width] });
  }
  const logit: WeightEntry[] = [{ name: 'logit_scale', source: 'logit.logScale', layout: same, shape: [] }];
  if (cfg.logitBias) logit.push({ name: 'logit_bias', source: 'logit.bias', layout: same, shape: [] });
  return [
    ...visual,
    ...encoderEntries('visual', enc.image, cfg.depth, D, mlpWidth(cfg, D)),
    ...text,
    ...encoderEntries('text', enc.text, ts.depth, ts.width, mlpWidth(cfg, ts.width)),
    ...linearEntries('visual_projection', 'imageProj.proj', D, cfg.embedDim, false),
    ...linearEntries('text_projection', 'textProj.proj', ts.width, cfg.embedDim, false),
    ...logit,
  ];
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

/** The exported values [entry.shape] of entry `e` from its mvlm parameter's values [sourceShape] (row-major). */
export function toExportLayout(e: WeightEntry, data: Float32Array, sourceShape: number[]): Float32Array {
  const layout = e.layout;
  if (layout.kind === 'row') {
    const D = sourceShape[1];
    if (sourceShape.length !== 2 || layout.row >= sourceShape[0]) throw new Error(`${e.name}: ${e.source} is [${sourceShape}], has no row ${layout.row}`);
    return data.slice(layout.row * D, (layout.row + 1) * D);
  }
  if (size(sourceShape) !== size(e.shape) || data.length !== size(e.shape)) {
    throw new Error(`${e.name}: ${e.source} is [${sourceShape}] (${data.length} values), cannot become [${e.shape}]`);
  }
  if (layout.kind === 'same') return data.slice();
  if (layout.kind === 'linear') return transpose2d(data, sourceShape[0], sourceShape[1]);
  // [p·p·C, D] = [p, p, C, D] -> [D, C, p, p]
  const { patch: p, channels: C } = layout;
  const D = e.shape[0];
  const out = new Float32Array(data.length);
  for (let y = 0; y < p; y++) {
    for (let x = 0; x < p; x++) {
      for (let c = 0; c < C; c++) {
        const row = ((y * p + x) * C + c) * D;
        for (let d = 0; d < D; d++) out[((d * C + c) * p + y) * p + x] = data[row + d];
      }
    }
  }
  return out;
}

/**
 * The inverse, for loaders: mvlm parameter values by ParamStore name from exported tensors by name.
 * `sourceShapes` gives each parameter's mvlm shape (a loader's model has them); a parameter read
 * by several entries (a shared core, the single stream's type table) must get the same values from each.
 */
export function fromExportLayout(
  entries: WeightEntry[],
  exported: Map<string, Float32Array>,
  sourceShapes: Map<string, number[]>,
): Map<string, Float32Array> {
  const out = new Map<string, Float32Array>();
  const filled = new Map<string, Set<number>>();
  for (const e of entries) {
    const data = exported.get(e.name);
    if (!data) throw new Error(`exported weights have no tensor ${e.name}`);
    if (data.length !== size(e.shape)) throw new Error(`exported ${e.name} has ${data.length} values, expected shape [${e.shape}]`);
    const shape = sourceShapes.get(e.source);
    if (!shape) throw new Error(`${e.name}: the model has no parameter ${e.source}`);
    const layout = e.layout;
    let values: Float32Array;
    if (layout.kind === 'row') {
      values = out.get(e.source) ?? new Float32Array(size(shape));
      values.set(data, layout.row * shape[1]);
      filled.set(e.source, (filled.get(e.source) ?? new Set()).add(layout.row));
      out.set(e.source, values);
      continue;
    }
    if (layout.kind === 'same') values = data.slice();
    else if (layout.kind === 'linear') values = transpose2d(data, e.shape[0], e.shape[1]);
    else values = convToPatchRows(data, e.shape[0], layout.channels, layout.patch);
    const earlier = out.get(e.source);
    if (earlier && earlier.some((v, i) => v !== values[i])) throw new Error(`${e.name}: differs from another exported tensor read into ${e.source} (a shared core must be tied)`);
    out.set(e.source, values);
  }
  for (const [source, rows] of filled) {
    if (rows.size !== sourceShapes.get(source)![0]) throw new Error(`${source}: exported rows [${[...rows]}] do not cover all ${sourceShapes.get(source)![0]}`);
  }
  return out;
}

/** [R, C] row-major -> [C, R] */
function transpose2d(data: Float32Array, R: number, C: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let r = 0; r < R; r++) for (let c = 0; c < C; c++) out[c * R + r] = data[r * C + c];
  return out;
}

/** Conv2d weight [D, C, p, p] -> mvlm patch rows [p·p·C, D]. */
function convToPatchRows(data: Float32Array, D: number, C: number, p: number): Float32Array {
  const out = new Float32Array(data.length);
  for (let d = 0; d < D; d++) {
    for (let c = 0; c < C; c++) {
      for (let y = 0; y < p; y++) for (let x = 0; x < p; x++) out[((y * p + x) * C + c) * D + d] = data[((d * C + c) * p + y) * p + x];
    }
  }
  return out;
}
