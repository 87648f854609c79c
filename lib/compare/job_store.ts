/**
 * Finished jobs on disk: `<out>/jobs/<job id>.json`, one record each, written atomically as each
 * job ends, so a study that stops (a crash, Ctrl-C) keeps what it finished and a rerun with the
 * same --out reuses every record whose spec is unchanged.
 */
import * as fs from 'fs';
import * as path from 'path';
import type { JobRecord, JobSpec } from './job';
import { parseJobRecord, toJobJson } from './job_json';

export const JOBS_DIR = 'jobs';

export function jobRecordPath(out: string, id: string): string {
  return path.join(out, JOBS_DIR, `${id}.json`);
}

/** Write the record to `<out>/jobs/<id>.json` (temp file + rename: never half a file). */
export function writeJobRecord(out: string, record: JobRecord): string {
  const file = jobRecordPath(out, record.spec.id);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, `${toJobJson(record)}\n`);
  fs.renameSync(tmp, file);
  return file;
}

/** The record already written for `spec` under `out`, if its spec is exactly this one. */
export function finishedRecord(out: string, spec: JobSpec): JobRecord | undefined {
  const file = jobRecordPath(out, spec.id);
  if (!fs.existsSync(file)) return undefined;
  try {
    const record = parseJobRecord(fs.readFileSync(file, 'utf8'), file);
    return toJobJson(record.spec) === toJobJson(spec) ? record : undefined;
  } catch {
    return undefined; // unreadable: run the job again
  }
}

/** Every record in `dir/jobs/` (or in `dir` itself when it has no jobs/ folder). */
export function readJobRecords(dir: string): JobRecord[] {
  const jobs = path.join(dir, JOBS_DIR);
  const from = fs.existsSync(jobs) ? jobs : dir;
  if (!fs.existsSync(from)) throw new Error(`collect: ${dir} does not exist`);
  const files = fs.readdirSync(from).filter((f) => f.endsWith('.json')).sort();
  if (files.length === 0) throw new Error(`collect: no job records (*.json) in ${from}`);
  return files.map((f) => {
    const file = path.join(from, f);
    return parseJobRecord(fs.readFileSync(file, 'utf8'), file);
  });
}
