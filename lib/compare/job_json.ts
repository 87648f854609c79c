/**
 * Job specs and records as JSON text, exactly: JSON writes every finite double so it reads back
 * bit for bit, but writes NaN and ±Infinity as null and −0 as 0. Those go as `{"$number": "NaN"}`
 * and come back as the same number, so a record read from disk or a queue equals the one written.
 */
import { validateConfig } from '../config';
import { ExperimentConfigSchema } from '../run/config';
import { JOB_FORMAT, type JobRecord, type JobSpec } from './job';

const TAG = '$number';

function exotic(v: number): string | undefined {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return 'Infinity';
  if (v === -Infinity) return '-Infinity';
  if (Object.is(v, -0)) return '-0';
  return undefined;
}

/** JSON text of a spec or record (or any JSON value), one line, every number kept exactly. */
export function toJobJson(value: JobSpec | JobRecord | object): string {
  return JSON.stringify(value, (_k, v) => {
    const tag = typeof v === 'number' ? exotic(v) : undefined;
    return tag === undefined ? v : { [TAG]: tag };
  });
}

/** JSON text written by toJobJson, every number back as it was. */
export function parseTagged(text: string, what: string): unknown {
  try {
    return JSON.parse(text, (_k, v) => {
      if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 1 && typeof v[TAG] === 'string') return Number(v[TAG]);
      return v;
    });
  } catch (e) {
    throw new Error(`${what}: not JSON (${(e as Error).message})`);
  }
}

function expectFormat(value: unknown, what: string, fields: string[]): Record<string, unknown> {
  if (!value || typeof value !== 'object' || Array.isArray(value)) throw new Error(`${what}: expected a JSON object`);
  const o = value as Record<string, unknown>;
  if (o.format !== JOB_FORMAT) throw new Error(`${what}: format ${JSON.stringify(o.format)}, expected ${JOB_FORMAT} (written by another mvlm version?)`);
  const missing = fields.filter((f) => o[f] === undefined);
  if (missing.length) throw new Error(`${what}: missing ${missing.join(', ')}`);
  return o;
}

/** A job spec from JSON text; `what` names the source in errors (a file, `stdin line 3`). */
export function parseJobSpec(text: string, what = 'job spec'): JobSpec {
  const o = expectFormat(parseTagged(text, what), what, ['study', 'id', 'index', 'label', 'setting', 'arm', 'seed', 'config', 'eval']);
  const spec = o as unknown as JobSpec;
  if (typeof spec.id !== 'string' || !/^[\w@+.-]+$/.test(spec.id)) throw new Error(`${what}: id ${JSON.stringify(spec.id)} is not a safe file name`);
  if (spec.config.train?.seed !== spec.seed) throw new Error(`${what}: config.train.seed ${spec.config.train?.seed} differs from the job's seed ${spec.seed}`);
  validateConfig(ExperimentConfigSchema, spec.config, `${what}: config`);
  return spec;
}

/** A job record from JSON text. */
export function parseJobRecord(text: string, what = 'job record'): JobRecord {
  const o = expectFormat(parseTagged(text, what), what, ['spec', 'result', 'samples', 'timing']);
  return o as unknown as JobRecord;
}
