/**
 * Checkpoints: `OUT/checkpoints/step-N/` holding `model.safetensors` (ParamStore names),
 * `optimizer.safetensors`, `state.json`, any extra files (e.g. `tokenizer.json`) and `manifest.json`
 * (every other file's SHA-256, checked on load: see manifest.ts).
 * A checkpoint is written into a temporary sibling folder, every file and the folder fsync'd,
 * then renamed to `step-N`: a crash leaves either the whole checkpoint or none of it (a stale
 * `.tmp-*` folder that readers ignore and the next save removes).
 */
import * as fs from 'fs';
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { JsonSyntaxError, parseJson } from '../io/json';
import { WriteError, writing } from '../io/write_error';
import { CheckpointIntegrityError, MANIFEST_FILE, manifestText, readManifest, readVerified, verifyCheckpoint } from './manifest';
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
  if (!fs.statSync(root).isDirectory()) throw new Error(`${root} is a file, not a folder: move it away to write this run's checkpoints`);
  return fs
    .readdirSync(root)
    .map((name) => ({ name, m: /^step-(\d+)$/.exec(name) }))
    .filter((e) => e.m !== null && fs.existsSync(path.join(root, e.name, STATE_FILE)))
    .map((e) => ({ step: Number(e.m![1]), dir: path.join(root, e.name) }))
    .sort((a, b) => a.step - b.step);
}

/** A fresh run must not silently mix with an earlier run's checkpoints in `out`. */
export function refuseExistingCheckpoints(out: string): void {
  if (listCheckpoints(out).length > 0) throw new Error(`${out} already has checkpoints: resume to continue, or overwrite to start over`);
}

/** The newest finished checkpoint folder of a run, or null. */
export function latestCheckpoint(out: string): string | null {
  const all = listCheckpoints(out);
  return all.length > 0 ? all[all.length - 1].dir : null;
}

/**
 * Write a checkpoint atomically; returns its folder. A failed write throws a WriteError naming the
 * file and the step, and leaves every earlier checkpoint as it was.
 */
export async function saveCheckpoint(o: SaveCheckpointOptions): Promise<string> {
  if (!Number.isInteger(o.step) || o.step < 0) throw new Error(`saveCheckpoint: step must be an integer >= 0, got ${o.step}`);
  const when = `step ${o.step}: checkpoint not saved`;
  const root = checkpointsDir(o.out);
  writing(root, when, () => fs.mkdirSync(root, { recursive: true }));
  removeStale(root);
  const final = path.join(root, `step-${o.step}`);
  const tmp = path.join(root, `.tmp-step-${o.step}-${process.pid}-${Date.now()}`);
  // Read every tensor before touching disk, so a failed read leaves nothing behind.
  const model = encodeSafetensors(await fromTf(o.model), { format: 'mvlm', step: String(o.step) });
  const optimizer = encodeSafetensors(await fromTf(o.optimizer ?? new Map()), o.optimizerMeta ?? {});
  const files: [string, string | Uint8Array][] = [
    [MODEL_FILE, model],
    [OPTIMIZER_FILE, optimizer],
    ...Object.entries(o.files ?? {}),
    // state.json after the data: listCheckpoints treats a folder without it as unfinished.
    [STATE_FILE, JSON.stringify({ ...(o.state ?? {}), step: o.step }, null, 2) + '\n'],
  ];
  for (const [name] of files) {
    if (name.includes('/') || name.includes('\\') || name.startsWith('.') || name === MANIFEST_FILE) throw new Error(`saveCheckpoint: bad file name ${name}`);
  }
  files.push([MANIFEST_FILE, manifestText(o.step, files)]);
  try {
    writing(root, when, () => fs.mkdirSync(tmp));
    for (const [name, data] of files) {
      // name the folder the file is meant for, not the temporary one
      writing(path.join(final, name), when, () => writeDurable(path.join(tmp, name), data));
      o.onFileWritten?.(name);
    }
    fsyncDir(tmp);
    let old: string | null = null;
    if (fs.existsSync(final)) {
      // Same step saved again (e.g. after a resume): swap, then delete the old copy.
      old = path.join(root, `.old-step-${o.step}-${process.pid}-${Date.now()}`);
      writing(final, when, () => fs.renameSync(final, old!));
    }
    writing(final, when, () => fs.renameSync(tmp, final));
    fsyncDir(root);
    if (old) fs.rmSync(old, { recursive: true, force: true });
  } catch (e) {
    fs.rmSync(tmp, { recursive: true, force: true });
    if (e instanceof WriteError) {
      const previous = listCheckpoints(o.out).filter((c) => c.step !== o.step);
      const kept = previous.length > 0 ? `the previous checkpoint ${previous[previous.length - 1].dir} is intact` : 'no earlier checkpoint exists';
      throw new WriteError(e.file, when, e.failure, kept);
    }
    throw e;
  }
  prune(o.out, o.keep ?? 3);
  return final;
}

/** Only the state.json of a checkpoint (checked against its manifest). */
export function readCheckpointState(dir: string): LoadedCheckpoint['state'] {
  return readState(dir, readManifest(dir));
}

function readState(dir: string, manifest: ReturnType<typeof readManifest>): LoadedCheckpoint['state'] {
  const statePath = path.join(dir, STATE_FILE);
  if (!fs.existsSync(statePath)) throw new Error(`${dir} has no ${STATE_FILE} (not a finished checkpoint)`);
  return parseJson(readVerified(dir, STATE_FILE, manifest).toString('utf8'), statePath) as LoadedCheckpoint['state'];
}

/** A file of checkpoint `dir` as text (e.g. `tokenizer.json`), checked against its manifest. */
export function readCheckpointFile(dir: string, name: string): string {
  return readVerified(dir, name, readManifest(dir)).toString('utf8');
}

/** Read a checkpoint folder written by `saveCheckpoint`; every file is checked against the manifest first. */
export function loadCheckpoint(dir: string): LoadedCheckpoint {
  const manifest = readManifest(dir);
  const state = readState(dir, manifest);
  const modelPath = path.join(dir, MODEL_FILE);
  const modelFile = decodeSafetensors(readVerified(dir, MODEL_FILE, manifest), modelPath);
  const optPath = path.join(dir, OPTIMIZER_FILE);
  const optFile = fs.existsSync(optPath) || manifest?.files[OPTIMIZER_FILE] ? decodeSafetensors(readVerified(dir, OPTIMIZER_FILE, manifest), optPath) : null;
  // the extra files too, so a damaged tokenizer is caught before anything is built
  for (const name of Object.keys(manifest?.files ?? {})) if (name !== MODEL_FILE && name !== OPTIMIZER_FILE && name !== STATE_FILE) readVerified(dir, name, manifest);
  return { dir, step: state.step, model: toTf(modelFile.tensors), optimizer: optFile ? toTf(optFile.tensors) : new Map(), optimizerMeta: optFile?.metadata ?? {}, state };
}

/**
 * The newest checkpoint of run `out` whose files match its manifest. Each newer one that does not
 * is reported through `warn` (which, and why); none verifying (or none at all) throws.
 */
export function newestGoodCheckpoint(out: string, warn: (msg: string) => void = console.warn): string {
  const all = listCheckpoints(out);
  if (all.length === 0) throw new Error(`${out}: no checkpoint in ${checkpointsDir(out)}`);
  const problems: string[] = [];
  for (const c of [...all].reverse()) {
    try {
      verifyCheckpoint(c.dir);
      readCheckpointState(c.dir);
      return c.dir;
    } catch (e) {
      if (!(e instanceof CheckpointIntegrityError || e instanceof JsonSyntaxError)) throw e;
      problems.push((e as Error).message);
      warn(`skipping checkpoint ${c.dir}: ${(e as Error).message}`);
    }
  }
  throw new Error(`${out}: no checkpoint verifies; every one is damaged:\n  ${problems.join('\n  ')}`);
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
