import { checkReachable, parseQueueUrl } from '../lib/queue/connection';
async function main() {
  for (const u of ['redis://127.0.0.1:1', 'redis://no-such-host.invalid:6379', 'http://x:1', 'redis:///', 'nonsense', 'redis://h:1/abc']) {
    const t0 = Date.now();
    try { await checkReachable(parseQueueUrl(u)); console.log(u, 'ok?'); } catch (e) { console.log(`${Date.now() - t0} ms`, (e as Error).message); }
  }
}
main();
