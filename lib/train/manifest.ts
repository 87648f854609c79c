/**
 * A checkpoint's manifest: the SHA-256 and size of every other file in the folder, written last.
 * Loading reads each file once, hashes the bytes it is about to decode and refuses a mismatch,
 * so damaged weights never load silently. Checkpoints written before manifests existed
 * (no manifest.json) load unverified.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { parseJson, readTextFile } from '../io/json';

export const MANIFEST_FILE = 'manifest.json';
const FORMAT = 'mvlm-checkpoint-manifest';

export interface Manifest {
  format: typeof FORMAT;
  version: 1;
  step: number;
  files: Record<string, { sha256: string; bytes: number }>;
}

/** A checkpoint file that is missing, damaged or not listed; `file` is its path. */
export class CheckpointIntegrityError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'CheckpointIntegrityError';
  }
}

export function sha256(data: string | Uint8Array): string {
  return createHash('sha256').update(data).digest('hex');
}

/** The manifest text for `files` (name -> contents) of the checkpoint at `step`. */
export function manifestText(step: number, files: [string, string | Uint8Array][]): string {
  const entries = Object.fromEntries(files.map(([name, data]) => [name, { sha256: sha256(data), bytes: Buffer.byteLength(data) }]));
  const m: Manifest = { format: FORMAT, version: 1, step, files: entries };
  return JSON.stringify(m, null, 2) + '\n';
}

/** The manifest of checkpoint `dir`, or null for a checkpoint written without one. */
export function readManifest(dir: string): Manifest | null {
  const file = path.join(dir, MANIFEST_FILE);
  if (!fs.existsSync(file)) return null;
  const m = parseJson(readTextFile(file, 'checkpoint manifest'), file) as Manifest;
  if (m?.format !== FORMAT || typeof m.files !== 'object' || m.files === null) {
    throw new CheckpointIntegrityError(file, `not an mvlm checkpoint manifest (format ${JSON.stringify(m?.format)})`);
  }
  return m;
}

/** The bytes of `name` in checkpoint `dir`, checked against `manifest` (null = unverified). */
export function readVerified(dir: string, name: string, manifest: Manifest | null): Buffer {
  const file = path.join(dir, name);
  if (!fs.existsSync(file)) throw new CheckpointIntegrityError(file, 'missing');
  const bytes = fs.readFileSync(file);
  if (manifest === null) return bytes;
  const want = manifest.files[name];
  if (!want) throw new CheckpointIntegrityError(file, `not listed in ${MANIFEST_FILE}`);
  if (bytes.length !== want.bytes) throw new CheckpointIntegrityError(file, `${bytes.length} bytes, the manifest says ${want.bytes} (the file is truncated or damaged)`);
  const got = sha256(bytes);
  if (got !== want.sha256) throw new CheckpointIntegrityError(file, `SHA-256 ${got.slice(0, 12)}… does not match the manifest's ${want.sha256.slice(0, 12)}… (the file is damaged)`);
  return bytes;
}

/** Check every file the manifest lists (throws CheckpointIntegrityError at the first bad one). */
export function verifyCheckpoint(dir: string): void {
  const manifest = readManifest(dir);
  if (manifest === null) return;
  for (const name of Object.keys(manifest.files)) readVerified(dir, name, manifest);
}
