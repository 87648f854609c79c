/**
 * Checkpoints: `OUT/checkpoints/step-N/` holding `model.safetensors` (ParamStore names),
 * `optimizer.safetensors`, `state.json` and any extra files (e.g. `tokenizer.json`).
 * A checkpoint is written into a temporary sibling folder, every file and the folder fsync'd,
 * then renamed to `step-N`: a crash leaves either the whole checkpoint or none of it (a stale
 * `.tmp-*` folder that readers ignore and the next save removes).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { decodeSafetensors, encodeSafetensors, fromTf, toTf } from './safetensors';

export const MODEL_FILE = 'model.safetensors';
export const OPTIMIZER_FILE = 'optimizer.safetensors';
export const STATE_FILE = 'state.json';

export interface SaveCheckpointOptions {
  /** Run folder; the checkpoint goes to `out/checkpoints/step-<step>`. */
  out: string;
  step: number;
  /** Parameters by ParamStore name (read, not disposed). */
  model: Map<string, tf.Tensor>;
  /** Optimizer state tensors by name (read, not disposed). */
  optimizer?: Map<string, tf.Tensor>;
  /** String metadata stored in optimizer.safetensors (e.g. the update count). */
  optimizerMeta?: Record<string, string>;
  /** JSON-serialisable state (RNG states, data cursor, config, ...); `step` is added. */
  state?: object;
  /** Extra files by name, e.g. `{ 'tokenizer.json': json }`. */
  files?: Record<string, string | Uint8Array>;
  /** Keep only the newest K checkpoints (default 3; 0 = keep all). */
  keep?: number;
  /** Test hook, called after each file is durable; throwing here simulates a crash mid-write. */
  onFileWritten?: (file: string) => void;
}

export interface LoadedCheckpoint {
  dir: string;
  step: number;
  /** Parameters by name; the caller disposes them. */
  model: Map<string, tf.Tensor>;
  /** Optimizer state by name (empty if none was saved); the caller disposes them. */
  optimizer: Map<string, tf.Tensor>;
  optimizerMeta: Record<string, string>;
  state: Record<string, unknown> & { step: number };
}

export function checkpointsDir(out: string): string {
  return path.join(out, 'checkpoints');
}

/** Finished checkpoints of a run, oldest first. */
export function listCheckpoints(out: string): { step: number; dir: string }[] {
  const root = checkpointsDir(out);
  if (!fs.existsSync(root)) return [];
  return fs
    .readdirSync(root)
    .map((name) => ({ name, m: /^step-(\d+)$/.exec(name) }))
    .filter((e) => e.m !== null && fs.existsSync(path.join(root, e.name, STATE_FILE)))
    .map((e) => ({ step: Number(e.m![1]), dir: path.join(root, e.name) }))
    .sort((a, b) => a.step - b.step);
}

/** The newest finished checkpoint folder of a run, or null. */
export function latestCheckpoint(out: string): string | null {
  const all = listCheckpoints(out);
  return all.length > 0 ? all[all.length - 1].dir : null;
}

/** Write a checkpoint atomically; returns its folder. */
export async function saveCheckpoint(o: SaveCheckpointOptions): Promise<string> {
  if (!Number.isInteger(o.step) || o.step < 0) throw new Error(`saveCheckpoint: step must be an integer >= 0, got ${o.step}`);
  const root = checkpointsDir(o.out);
  fs.mkdirSync(root, { recursive: true });
  removeStale(root);
  const final = path.join(root, `step-${o.step}`);
  const tmp = path.join(root, `.tmp-step-${o.step}-${process.pid}-${Date.now()}`);
  fs.mkdirSync(tmp);
  // Read every tensor before touching disk, so a failed read leaves nothing behind.
  const model = encodeSafetensors(await fromTf(o.model), { format: 'mvlm', step: String(o.step) });
  const optimizer = encodeSafetensors(await fromTf(o.optimizer ?? new Map()), o.optimizerMeta ?? {});
  const files: [string, string | Uint8Array][] = [
    [MODEL_FILE, model],
    [OPTIMIZER_FILE, optimizer],
    ...Object.entries(o.files ?? {}),
    // state.json last: listCheckpoints treats a folder without it as unfinished.
    [STATE_FILE, JSON.stringify({ ...(o.state ?? {}), step: o.step }, null, 2) + '\n'],
  ];
  try {
    for (const [name, data] of files) {
      if (name.includes('/') || name.includes('\\') || name.startsWith('.')) throw new Error(`saveCheckpoint: bad file name ${name}`);
      writeDurable(path.join(tmp, name), data);
      o.onFileWritten?.(name);
    }
    fsyncDir(tmp);
    let old: string | null = null;
    if (fs.existsSync(final)) {
      // Same step saved again (e.g. after a resume): swap, then delete the old copy.
      old = path.join(root, `.old-step-${o.step}-${process.pid}-${Date.now()}`);
      fs.renameSync(final, old);
    }
    fs.renameSync(tmp, final);
    fsyncDir(root);
    if (old) fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  prune(o.out, o.keep ?? 3);
  return final;
}

/** Only the state.json of a checkpoint (e.g. the config to rebuild the model before a resume). */
export function readCheckpointState(dir: string): LoadedCheckpoint['state'] {
  const statePath = path.join(dir, STATE_FILE);
  if (!fs.existsSync(statePath)) throw new Error(`${dir} has no ${STATE_FILE} (not a finished checkpoint)`);
  return JSON.parse(fs.readFileSync(statePath, 'utf8')) as LoadedCheckpoint['state'];
}

/** Read a checkpoint folder written by `saveCheckpoint`. */
export function loadCheckpoint(dir: string): LoadedCheckpoint {
  const state = readCheckpointState(dir);
  const modelPath = path.join(dir, MODEL_FILE);
  const model = toTf(decodeSafetensors(fs.readFileSync(modelPath), modelPath).tensors);
  const optPath = path.join(dir, OPTIMIZER_FILE);
  let optimizer = new Map<string, tf.Tensor>();
  let optimizerMeta: Record<string, string> = {};
  if (fs.existsSync(optPath)) {
    const f = decodeSafetensors(fs.readFileSync(optPath), optPath);
    optimizer = toTf(f.tensors);
    optimizerMeta = f.metadata;
  }
  return { dir, step: state.step, model, optimizer, optimizerMeta, state };
}

/** Dispose every tensor of a loaded checkpoint. */
export function disposeCheckpoint(c: LoadedCheckpoint): void {
  for (const t of c.model.values()) t.dispose();
  for (const t of c.optimizer.values()) t.dispose();
}

function writeDurable(file: string, data: string | Uint8Array): void {
  const fd = fs.openSync(file, 'w');
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

function fsyncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Some platforms (Windows) cannot fsync a directory; the rename is still atomic there.
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

/** Remove folders left by a crashed save (single writer per run folder assumed). */
function removeStale(root: string): void {
  for (const name of fs.readdirSync(root)) {
    if (name.startsWith('.tmp-step-') || name.startsWith('.old-step-')) fs.rmSync(path.join(root, name), { recursive: true, force: true });
  }
}

function prune(out: string, keep: number): void {
  if (!(keep > 0)) return;
  const all = listCheckpoints(out);
  for (const c of all.slice(0, Math.max(0, all.length - keep))) fs.rmSync(c.dir, { recursive: true, force: true });
}
