/**
 * Every config a run folder trained with: `config.json` from the first start, then one
 * `configs/NNNN-resume.json` per resume (written with 'wx': never overwritten), so a run's history
 * says what each stretch of steps was trained with.
 */
import * as fs from 'fs';
import * as path from 'path';
import { readJsonFile } from '../io/json';
import { writing } from '../io/write_error';

export const RUN_CONFIG_FILE = 'config.json';
export const RESUME_CONFIGS_DIR = 'configs';

export interface RunConfigRecord {
  /** Where the config came from (a preset file, or the run's own record on a plain resume). */
  source?: string;
  /** Resume records: the checkpoint continued from and its step. */
  resumedFrom?: { checkpoint: string; step: number };
  config: unknown;
}

/** Resume records of `out`, oldest first. */
function resumeRecords(out: string): string[] {
  const dir = path.join(out, RESUME_CONFIGS_DIR);
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /^\d{4,}-resume\.json$/.test(f))
    .sort((a, b) => parseInt(a, 10) - parseInt(b, 10))
    .map((f) => path.join(dir, f));
}

/**
 * Record the config a run starts with; returns the file written. A fresh start writes config.json
 * (and drops resume records of a run it replaces); a resume adds the next `configs/NNNN-resume.json`.
 */
export function recordRunConfig(out: string, record: RunConfigRecord): string {
  const when = record.resumedFrom ? `before step ${record.resumedFrom.step + 1}` : 'before step 1';
  const text = JSON.stringify(record, null, 2) + '\n';
  writing(out, when, () => fs.mkdirSync(out, { recursive: true }));
  if (!record.resumedFrom) {
    fs.rmSync(path.join(out, RESUME_CONFIGS_DIR), { recursive: true, force: true });
    const file = path.join(out, RUN_CONFIG_FILE);
    writing(file, when, () => fs.writeFileSync(file, text));
    return file;
  }
  const dir = path.join(out, RESUME_CONFIGS_DIR);
  writing(dir, when, () => fs.mkdirSync(dir, { recursive: true }));
  const last = resumeRecords(out).pop();
  const n = last ? parseInt(path.basename(last), 10) + 1 : 1;
  const file = path.join(dir, `${String(n).padStart(4, '0')}-resume.json`);
  writing(file, when, () => fs.writeFileSync(file, text, { flag: 'wx' }));
  return file;
}

/** The config `out` last ran with (the newest resume record, else config.json) and its file. */
export function latestRunConfig(out: string): { config: unknown; file: string } {
  const file = resumeRecords(out).pop() ?? path.join(out, RUN_CONFIG_FILE);
  if (!fs.existsSync(file)) throw new Error(`--resume ${out}: ${file} not found (pass --config too)`);
  const record = readJsonFile(file, 'run config') as RunConfigRecord;
  if (record === null || typeof record !== 'object' || !('config' in record)) throw new Error(`${file}: no "config" field (not a run config record)`);
  return { config: record.config, file };
}
