/**
 * `mvlm compare --queue` and `mvlm worker` on a real redis-server (no mocks): a study through the
 * queue equals the same study run in one process; a worker SIGKILLed mid-job loses nothing (its job
 * is retried through BullMQ's stalled-job check and resumes from the checkpoint on shared storage);
 * a job with a bad config fails once with its message; a bad URL fails fast and names it.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { initBackend } from '../../lib/backend';
import { planStudy, runCompare } from '../../lib/compare';
import { compareCommand } from '../../lib/commands/compare';
import { workerCommand } from '../../lib/commands/worker';
import { STUDIES_KEY, runCompareOnQueue, runJobsOnQueue } from '../../lib/queue';
import { COST_METRICS, type CompareResults, readResults } from '../../lib/report';
import { captured, rejection } from '../helpers';
import { REDIS, describeNeeding } from '../system_requirements';
import { type RedisServer, freePort, startRedis } from './redis_server';

const ROOT = path.resolve(__dirname, '..', '..');
// two arms, 12 steps with a checkpoint every 3: long enough to kill a worker between checkpoints
const STUDY = { preset: 'smoke', arms: ['mae', 'mlm+mae'], sets: ['train.steps=12', 'train.checkpointEvery=3'] };
const STUDY_ARGS = ['--preset', STUDY.preset, '--arms', STUDY.arms.join(','), ...STUDY.sets.flatMap((s) => ['--set', s]), '--quiet'];
// short lock and stall check, so a dead worker's job moves on within seconds
const STALL_ARGS = ['--lock-ms', '5000', '--stalled-ms', '1000'];

interface WorkerProcess {
  child: ChildProcess;
  log(): string;
  exited: Promise<number | null>;
}

function startWorker(url: string, out: string): WorkerProcess {
  const args = ['-r', 'ts-node/register/transpile-only', path.join(ROOT, 'lib', 'cli.ts'), 'worker', '--queue', url, '--out', out, ...STALL_ARGS];
  const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let text = '';
  child.stdout!.on('data', (d) => (text += d));
  child.stderr!.on('data', (d) => (text += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, log: () => text, exited };
}

async function stopWorker(w: WorkerProcess): Promise<void> {
  if (w.child.exitCode === null && w.child.signalCode === null) {
    w.child.kill('SIGTERM');
    await w.exited;
  }
}

/** Poll until `find` returns a value (or fail after `ms`). */
async function until<T>(what: string, find: () => T | undefined, ms = 240000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = find();
    if (v !== undefined) return v;
    if (Date.now() - t0 > ms) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** results.json without what depends on the clock (wall times, throughput, curve seconds, cost stats). */
function numbers(r: CompareResults): unknown {
  const costs = new Set<string>(Object.values(COST_METRICS));
  const noCost = <T>(byArm: Record<string, Record<string, T>>) =>
    Object.fromEntries(Object.entries(byArm).map(([arm, m]) => [arm, Object.fromEntries(Object.entries(m).filter(([k]) => !costs.has(k)))]));
  return {
    arms: r.arms.map(({ wallTimeSec: _w, samplesPerSec: _s, curve, ...rest }) => ({ ...rest, curve: curve?.map(({ seconds: _t, ...p }) => p) })),
    stats: noCost(r.stats),
    differences: noCost(r.differences as Record<string, Record<string, unknown>>),
    findings: r.findings.filter((f) => !JSON.stringify(f).includes('cost/')),
  };
}

describeNeeding(REDIS, 'queue: mvlm compare --queue and mvlm worker on a real Redis', function () {
  this.timeout(600000);
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-queue-'));
  let redis: RedisServer;
  let localRun: Promise<CompareResults> | undefined;
  /** The same study in one process (run once, by the first test that needs it). */
  const local = () => {
    localRun ??= initBackend().then(async (backend) => (await runCompare({ ...STUDY, out: path.join(tmp, 'local'), backend, quiet: true })).results);
    return localRun;
  };
  const workers: WorkerProcess[] = [];
  const worker = (out: string) => {
    const w = startWorker(redis.url, out);
    workers.push(w);
    return w;
  };

  before(async () => {
    redis = await startRedis();
  });

  after(async () => {
    await Promise.all(workers.map(stopWorker));
    await redis?.stop();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('a 2-arm study through the queue and one worker process writes the results.json of a local run; a queue left from an earlier study is not touched', async () => {
    // an earlier coordinator's queue with a job of the same id (and a listing that expired): never mixed in
    const client = new Redis(redis.url);
    const stale = new Queue('mvlm-smoke-00000000-20200101000000-aaaaaa', { connection: { host: '127.0.0.1', port: redis.port } });
    try {
      await stale.add('mae-s0', { spec: 'not a spec' }, { jobId: 'mae-s0' });
      await client.zadd(STUDIES_KEY, Date.now() - 1000, stale.name);
      const w = worker(path.join(tmp, 'w1'));
      const out = path.join(tmp, 'queued');
      const { result: code, out: printed } = await captured(() => compareCommand(['--queue', redis.url, ...STUDY_ARGS, '--out', out]));
      expect(code).to.equal(0);
      expect(printed).to.include('report:');
      const queued = readResults(path.join(out, 'results.json'));
      expect(queued.arms.map((a) => a.name)).to.deep.equal(['mae', 'mlm+mae']);
      expect(numbers(queued)).to.deep.equal(numbers(await local()));
      expect(fs.readdirSync(path.join(out, 'jobs')).sort()).to.deep.equal(['mae-s0.json', 'mlm+mae-s0.json']);
      // the coordinator removed its queue and listing (after its worker left); the stale queue's job still waits, untouched
      await until('the worker to leave the ended study', () => (/study mvlm-smoke-\w+-\d+-\w+ ended/.test(w.log()) ? true : undefined), 10000);
      expect(await stale.getJobCountByTypes('wait')).to.equal(1);
      const keys = await client.keys('bull:*');
      expect(keys.filter((k) => !k.startsWith(`bull:${stale.name}:`))).to.deep.equal([]);
      expect(await client.zrange(STUDIES_KEY, 0, -1)).to.deep.equal([]);
      await stopWorker(w);
    } finally {
      await stale.obliterate({ force: true });
      await stale.close();
      client.disconnect();
    }
  });

  it('a worker SIGKILLed mid-job: the job goes to a second worker, resumes from the checkpoint on shared storage, and the results equal the local run', async () => {
    const shared = path.join(tmp, 'shared');
    const first = worker(shared);
    const log: string[] = [];
    const study = runCompareOnQueue({ ...STUDY, url: redis.url, out: path.join(tmp, 'killed'), quiet: true, log: (m) => log.push(m) });
    // kill as soon as the first job wrote its first checkpoint (step 3 of 12)
    const checkpoint = await until('a checkpoint of the first job', () => {
      const queues = fs.existsSync(shared) ? fs.readdirSync(shared) : [];
      return queues.map((q) => path.join(shared, q, 'arms', 'mae-s0', 'checkpoints', 'step-3', 'state.json')).find((f) => fs.existsSync(f));
    });
    first.child.kill('SIGKILL');
    await first.exited;
    const second = worker(shared);
    const { results } = await study;
    expect(numbers(results)).to.deep.equal(numbers(await local()));
    const resumed = /mae-s0 resumes from step (\d+)/.exec(second.log());
    expect(resumed, `second worker's log:\n${second.log()}`).to.not.equal(null);
    expect(Number(resumed![1])).to.be.within(3, 11); // mid-training, not after the last step
    expect(log.join('\n')).to.include('job mae-s0 lost its worker');
    expect(first.log()).to.include('mae-s0 starts');
    expect(first.log()).to.not.include('mae-s0 done');
    expect(path.dirname(path.dirname(checkpoint))).to.satisfy((d: string) => d.endsWith(path.join('mae-s0', 'checkpoints')));
  });

  it('a job with a bad config fails once, its error in the coordinator, no retries', async () => {
    const alive = workers.filter((w) => w.child.exitCode === null && w.child.signalCode === null);
    const w = alive[0] ?? worker(path.join(tmp, 'w3'));
    // a dataset that does not exist: the plan accepts it, the worker's job fails on it
    const args = ['--queue', redis.url, '--preset', 'smoke', '--arms', 'mae', '--set', 'data.train=emoji:nosuchstyle', '--quiet', '--out', path.join(tmp, 'bad')];
    const { result: bad } = await captured(() => rejection(compareCommand(args)));
    expect(bad.message).to.match(/job mae-s0 \(arm mae, seed 0\) failed: [\s\S]*nosuchstyle/);
    // an option no config has: refused by the worker's spec check
    const [spec] = planStudy({ preset: 'smoke', arms: ['mae'] });
    (spec.config.train as Record<string, unknown>).bogusOption = 1;
    const quiet = { start: () => undefined, progress: () => undefined, done: () => undefined, log: () => undefined };
    const unknown = await rejection(runJobsOnQueue([spec], quiet, { url: redis.url }));
    expect(unknown.message).to.match(/job mae-s0 \(arm mae, seed 0\) failed: [\s\S]*bogusOption/);
    await until('the worker to log both failures', () => ((w.log().match(/mae-s0 failed/g) ?? []).length >= 2 ? true : undefined), 30000);
    expect((w.log().match(/mae-s0 failed/g) ?? []).length, w.log()).to.equal(2); // once per study
  });

  it('a bad URL fails fast with the URL in the message, from compare and from worker', async () => {
    const closed = `redis://127.0.0.1:${await freePort()}`;
    const t0 = Date.now();
    const e1 = await rejection(compareCommand(['--queue', closed, '--preset', 'smoke', '--arms', 'mae', '--quiet', '--out', path.join(tmp, 'nourl')]));
    expect(e1.message).to.include(`cannot reach Redis at ${closed}`).and.include('ECONNREFUSED');
    const e2 = await rejection(workerCommand(['--queue', closed, '--out', path.join(tmp, 'nourl-w')]));
    expect(e2.message).to.include(`cannot reach Redis at ${closed}`);
    const e3 = await rejection(workerCommand(['--queue', 'http://127.0.0.1:6379']));
    expect(e3.message).to.include('--queue http://127.0.0.1:6379').and.include('redis://HOST:PORT');
    expect(Date.now() - t0).to.be.below(10000);
  });
});
