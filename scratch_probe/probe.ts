import { Queue, QueueEvents, Worker, UnrecoverableError } from 'bullmq';
import { startRedis } from '../test/queue/redis_server';
import { bullConnection, parseQueueUrl } from '../lib/queue/connection';

async function main() {
  const r = await startRedis();
  const server = parseQueueUrl(r.url);
  const conn = () => bullConnection(server, (e) => console.log('GAVE UP', e.message));
  const q = new Queue('probe', { connection: conn() });
  const ev = new QueueEvents('probe', { connection: conn() });
  await ev.waitUntilReady();
  const failedEvents: string[] = [];
  ev.on('failed', (a) => failedEvents.push(a.jobId + ':' + a.failedReason));
  ev.on('stalled', (a) => console.log('stalled event', a.jobId));
  let calls = 0;
  const w = new Worker('probe', async (job) => {
    calls++;
    if (job.name === 'bad') throw new UnrecoverableError('bad config: unknown key train.bogus');
    if (job.name === 'flaky' && job.attemptsMade < 1) throw new Error('EIO transient');
    return JSON.stringify({ ok: job.name, nan: 'x' });
  }, { connection: conn(), lockDuration: 2000, stalledInterval: 1000 });
  const jobs = await q.addBulk([
    { name: 'good', data: {}, opts: { jobId: 'good', attempts: 3, backoff: { type: 'exponential', delay: 100 } } },
    { name: 'bad', data: {}, opts: { jobId: 'bad', attempts: 3, backoff: { type: 'exponential', delay: 100 } } },
    { name: 'flaky', data: {}, opts: { jobId: 'flaky', attempts: 3, backoff: { type: 'exponential', delay: 100 } } },
  ]);
  for (const j of jobs) {
    try { console.log(j.id, 'result', await j.waitUntilFinished(ev)); } catch (e) { console.log(j.id, 'rejected', (e as Error).message); }
  }
  console.log('calls', calls, 'failed events', failedEvents);
  await w.close(); await q.obliterate({ force: true }); await ev.close(); await q.close();
  await r.stop();
}
main().then(() => console.log('done'), (e) => { console.error(e); process.exit(1); });
