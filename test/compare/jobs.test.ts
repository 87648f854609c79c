import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { initBackend } from '../../lib/backend';
import { compareCommand } from '../../lib/commands/compare';
import { readJobSpec, runJobCommand } from '../../lib/commands/run_job';
import { type JobRecord, jobRecordPath, orderRecords, parseJobRecord, parseJobSpec, planStudy, runCompare, toJobJson } from '../../lib/compare';
import { COST_METRICS, type CompareResults, readResults } from '../../lib/report';
import { captured, rejection } from '../helpers';

/** Two arms that run in the main setting only: one job each on the smoke preset. */
const STUDY = { preset: 'smoke', arms: ['flip', 'mae'] };
const TIMES = new Set(['createdAt', 'wallTimeSec', 'samplesPerSec', 'seconds', COST_METRICS.wallTime, COST_METRICS.samplesPerSec]);

/** results.json without what depends on the clock: every metric, loss, curve and statistic stays. */
function withoutTimes(results: CompareResults): unknown {
  return JSON.parse(JSON.stringify(results, (k, v) => (TIMES.has(k) ? undefined : v)));
}

/** Kills this process when it is handed `job` (loaded into the job children with NODE_OPTIONS). */
function crashOn(dir: string, job: string): string {
  const file = path.join(dir, 'crash.js');
  fs.writeFileSync(file, `process.on('message', (m) => { if (m && m.type === 'run' && m.spec.includes('"id":"${job}"')) process.kill(process.pid, 'SIGKILL'); });\n`);
  return file;
}

describe('compare: plan, run and collect as jobs', function () {
  this.timeout(600000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-jobs-'));
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));
  const local = path.join(tmp, 'jobs1');

  it('a job record and a job spec read back from JSON equal the ones written, NaN, ±Infinity and −0 included', () => {
    const [spec] = planStudy({ ...STUDY, warn: () => undefined });
    expect(parseJobSpec(toJobJson(spec))).to.deep.equal(spec);
    const exotic = [NaN, Infinity, -Infinity, -0, 0.1 + 0.2, 5e-324, 1.7976931348623157e308, -1 / 3];
    const record = {
      format: 1,
      spec,
      result: { name: 'flip', seed: 0, metrics: { a: NaN, b: -0, c: 0.1 + 0.2 } },
      samples: { arm: 'flip', seed: 0, metrics: { a: { value: NaN, items: exotic } } },
      timing: { startedAt: 'x', finishedAt: 'y', seconds: 1, backend: 'wasm', host: 'h', pid: 1 },
    } as unknown as JobRecord;
    const back = parseJobRecord(toJobJson(record));
    expect(back).to.deep.equal(record);
    expect(Object.is(back.samples.metrics.a.items![3], -0)).to.equal(true);
    expect(toJobJson(back)).to.equal(toJobJson(record));
  });

  it('a spec or plan file names what is wrong: not JSON, another format, a seed the config does not have, no such line or file', () => {
    const [spec] = planStudy({ ...STUDY, warn: () => undefined });
    expect(() => parseJobSpec('{"format":1', 'plan.jsonl line 2')).to.throw(/plan.jsonl line 2: not JSON/);
    expect(() => parseJobSpec(JSON.stringify({ ...spec, format: 9 }), 'x')).to.throw(/x: format 9, expected 1/);
    expect(() => parseJobSpec(JSON.stringify({ ...spec, seed: 3 }), 'x')).to.throw(/config.train.seed 0 differs from the job's seed 3/);
    expect(() => parseJobSpec(JSON.stringify({ ...spec, config: { ...spec.config, train: { ...spec.config.train, nope: 1 } } }), 'x')).to.throw(/nope/);
    const file = path.join(tmp, 'one.jsonl');
    fs.writeFileSync(file, `${toJobJson(spec)}\n\n`);
    expect(readJobSpec(file, undefined)).to.deep.equal(spec);
    expect(() => readJobSpec(file, 1)).to.throw(/--index 1 is past the last spec of .*one.jsonl \(1 specs: 0..0\)/);
    expect(() => readJobSpec(path.join(tmp, 'nope.jsonl'), 0)).to.throw(/spec file .*nope.jsonl does not exist/);
    fs.writeFileSync(file, `${toJobJson(spec)}\n{"format":1}\n`);
    expect(() => readJobSpec(file, 1)).to.throw(/one.jsonl line 2: missing study, id/);
  });

  it('plans the same specs in the same order every time, and a changed plan gets another study id', () => {
    const a = planStudy({ ...STUDY, warn: () => undefined });
    expect(a.map((s) => [s.id, s.index])).to.deep.equal([['flip-s0', 0], ['mae-s0', 1]]);
    expect(planStudy({ ...STUDY, warn: () => undefined }).map(toJobJson)).to.deep.equal(a.map(toJobJson));
    const b = planStudy({ ...STUDY, sets: ['train.steps=3'], warn: () => undefined });
    expect(b[0].study.id).to.not.equal(a[0].study.id);
    expect(b[0].config.train.steps).to.equal(3);
  });

  it('collect takes records in any order, puts them in plan order, and names a missing job or a second study', () => {
    const specs = planStudy({ preset: 'smoke', arms: ['clip', 'mae'], warn: () => undefined });
    const records = specs.map((spec) => ({ spec }) as JobRecord);
    expect(specs.map((s) => s.id)).to.deep.equal(['clip-s0', 'mae-s0', 'clip@b4-s0', 'clip@shapes-s0']);
    expect(orderRecords([...records].reverse()).map((r) => r.spec.id)).to.deep.equal(specs.map((s) => s.id));
    expect(() => orderRecords(records.slice(1))).to.throw(/lacks 1 of 4 jobs: clip-s0/);
    expect(() => orderRecords([...records, records[0]])).to.throw(/job clip-s0 has two records/);
    const other = planStudy({ preset: 'smoke', arms: ['mae'], warn: () => undefined }).map((spec) => ({ spec }) as JobRecord);
    expect(() => orderRecords([...records, ...other])).to.throw(/records of 2 studies: smoke-\w+ \(4 records\), smoke-\w+ \(1 records\)/);
  });

  it('--jobs 1 runs every job in this process and writes one record per job', async () => {
    const backend = await initBackend();
    const { results, reused } = await runCompare({ ...STUDY, out: local, backend, quiet: true, jobs: 1 });
    expect(results.arms.map((a) => a.name)).to.deep.equal(['flip', 'mae']);
    expect(reused).to.deep.equal([]);
    for (const id of ['flip-s0', 'mae-s0']) expect(fs.existsSync(jobRecordPath(local, id)), id).to.equal(true);
  });

  it('--jobs 2: a child that dies fails the study with its arm, the finished record stays, a rerun reuses it; the results equal --jobs 1 to the last digit', async () => {
    const backend = await initBackend();
    const out = path.join(tmp, 'jobs2');
    const env = { ...process.env, NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --require ${crashOn(tmp, 'mae-s0')}` };
    const crash = await rejection(runCompare({ ...STUDY, out, backend, quiet: true, jobs: 2, childEnv: env }));
    expect(crash.message).to.match(/job mae-s0 \(arm mae, seed 0\) failed: its child process \d+ was killed by SIGKILL/);
    expect(crash.message).to.match(/1 finished job records are kept in .*jobs2\/jobs\/: rerun with the same --out to reuse them/);
    expect(fs.existsSync(jobRecordPath(out, 'flip-s0'))).to.equal(true);
    const { results, reused } = await runCompare({ ...STUDY, out, backend, quiet: true, jobs: 2 });
    expect(reused).to.deep.equal(['flip-s0']);
    const one = readResults(path.join(local, 'results.json'));
    expect(results.arms.map((a) => a.name)).to.deep.equal(['flip', 'mae']);
    expect(withoutTimes(readResults(path.join(out, 'results.json')))).to.deep.equal(withoutTimes(one));
  });

  it('compare --plan | run-job --index K | compare --collect gives the results of a local run', async () => {
    const { out: plan } = await captured(() => compareCommand(['--preset', STUDY.preset, '--arms', STUDY.arms.join(','), '--plan']));
    const lines = plan.trim().split('\n');
    expect(lines.length).to.equal(2);
    const file = path.join(tmp, 'plan.jsonl');
    fs.writeFileSync(file, plan);
    const out = path.join(tmp, 'array');
    // array tasks in any order
    for (const k of [1, 0]) {
      const run = await captured(() => runJobCommand([file, '--index', String(k), '--out', out, '--quiet']));
      expect(run.result).to.equal(0);
      expect(run.out).to.match(/record: .*jobs\/(flip|mae)-s0\.json/);
    }
    expect((await rejection(runJobCommand([file, '--out', out]))).message).to.match(/holds 2 job specs; pick one with --index 0..1/);
    const collected = await captured(() => compareCommand(['--collect', out]));
    expect(collected.result).to.equal(0);
    expect(collected.out).to.match(/2 job records from/);
    expect(withoutTimes(readResults(path.join(out, 'results.json')))).to.deep.equal(withoutTimes(readResults(path.join(local, 'results.json'))));
  });
});
