/** The queue's pieces that need no Redis: URL parsing, the retry policy, queue names, the resume log. */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { expect } from 'chai';
import { UnrecoverableError } from 'bullmq';
import { JOB_PROGRESS_FILE, JobProgressLog } from '../../lib/compare/job_resume';
import { jobFailure, parseQueueUrl, studyQueueName } from '../../lib/queue';
import { JobError } from '../../lib/queue/run_in_thread';
import type { StepRecord } from '../../lib/train';

describe('queue: URL, retry policy, queue names', () => {
  it('parses redis:// URLs and refuses others with the URL and the expected form', () => {
    const s = parseQueueUrl('redis://user:s3cret@10.0.0.2:6380/2');
    expect(s.options).to.include({ host: '10.0.0.2', port: 6380, db: 2, username: 'user', password: 's3cret' });
    expect(s.url).to.equal('redis://user:***@10.0.0.2:6380/2'); // messages never show the password
    expect(parseQueueUrl('redis://h').options.port).to.equal(6379);
    expect(parseQueueUrl('rediss://h:1').options.tls).to.deep.equal({});
    expect(() => parseQueueUrl('http://h:1')).to.throw('--queue http://h:1: protocol http:');
    expect(() => parseQueueUrl('localhost:6379')).to.throw(/--queue localhost:6379: .*redis:\/\/HOST:PORT/);
    expect(() => parseQueueUrl('redis://h:1/x')).to.throw("database 'x' is not a number");
  });

  it('fails a job at once for errors of the job itself, retries those of the machine', () => {
    expect(jobFailure(new Error("config: unknown key 'train.bogus'"))).to.be.instanceOf(UnrecoverableError);
    expect(jobFailure(new JobError('non-finite loss at step 3'))).to.be.instanceOf(UnrecoverableError);
    expect(jobFailure(new JobError('cannot read /data/x', 'ENOENT'))).to.be.instanceOf(UnrecoverableError);
    for (const code of ['EIO', 'ESTALE', 'ENOSPC', 'ERR_JOB_THREAD_EXIT']) {
      const e = jobFailure(new JobError('write failed', code));
      expect(e, code).to.not.be.instanceOf(UnrecoverableError);
      expect(e.message).to.include(code);
    }
  });

  it('names each study run its own queue: the study id, the start time, a random tag', () => {
    const t = new Date('2026-12-08T01:02:03.456Z');
    const a = studyQueueName('smoke-0a1b2c3d', t);
    expect(a).to.match(/^mvlm-smoke-0a1b2c3d-20261208010203-[0-9a-f]{6}$/);
    expect(studyQueueName('smoke-0a1b2c3d', t)).to.not.equal(a);
  });
});

describe('queue: a resumed job keeps what ran before its checkpoint (job_progress.jsonl)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-job-progress-'));
  after(() => fs.rmSync(dir, { recursive: true, force: true }));
  const rec = (step: number): StepRecord => ({ step, loss: 1 / step, terms: { mae: NaN }, gradNorm: step });
  const sample = { value: NaN, higherIsBetter: true, items: [0, 1] };

  it('keeps the losses and curve points up to the resume step, drops later ones and a line cut by a crash', () => {
    const log = new JobProgressLog(dir, null);
    log.addHistory([rec(1), rec(2), rec(3)], 1.5);
    log.addCurve({ step: 3, seconds: 1.5, metrics: { 'recon/in/psnr': sample } });
    log.addHistory([rec(4), rec(5), rec(6)], 3);
    log.addCurve({ step: 6, seconds: 3, metrics: {} });
    fs.appendFileSync(log.file, '{"history":[{"st'); // the crash
    const resumed = new JobProgressLog(dir, 3);
    expect(resumed.history.map((r) => r.step)).to.deep.equal([1, 2, 3]);
    expect(resumed.history[0].terms.mae).to.be.NaN; // numbers come back exactly
    expect(resumed.curve.map((p) => p.step)).to.deep.equal([3]);
    expect(resumed.curve[0].metrics['recon/in/psnr'].value).to.be.NaN;
    expect(resumed.seconds).to.equal(1.5);
    // the file now holds only what was kept: a second crash before any new line resumes the same
    expect(new JobProgressLog(dir, 3).history.map((r) => r.step)).to.deep.equal([1, 2, 3]);
    // a fresh start empties it
    expect(new JobProgressLog(dir, null).history).to.deep.equal([]);
    expect(fs.readFileSync(path.join(dir, JOB_PROGRESS_FILE), 'utf8')).to.equal('');
  });
});
