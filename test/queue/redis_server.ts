/**
 * A real `redis-server` for the queue tests: 127.0.0.1 on a free port, its files in a temp dir,
 * no persistence (no RDB snapshots, no AOF), stopped and removed by `stop()`.
 */
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';

export interface RedisServer {
  url: string;
  port: number;
  stop(): Promise<void>;
}

/** A port the kernel just handed out (free now; redis-server takes it a moment later). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as net.AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function waitReady(child: ChildProcess, log: () => string, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => done(new Error(`redis-server not ready after ${timeoutMs} ms:\n${log()}`)), timeoutMs);
    const onData = () => {
      if (/Ready to accept connections/.test(log())) done();
    };
    const onExit = (code: number | null) => done(new Error(`redis-server exited (${code}) before it was ready:\n${log()}`));
    const done = (err?: Error) => {
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      child.off('exit', onExit);
      err ? reject(err) : resolve();
    };
    child.stdout!.on('data', onData);
    child.on('exit', onExit);
  });
}

async function startOnce(port: number, dir: string): Promise<RedisServer> {
  const bin = process.env.MVLM_REDIS_SERVER || 'redis-server';
  const args = ['--bind', '127.0.0.1', '--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'no', '--loglevel', 'notice'];
  const child = spawn(bin, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  await waitReady(child, () => log, 10000);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
    },
  };
}

/** Start a redis-server (a second port is tried when another process took the first). */
export async function startRedis(): Promise<RedisServer> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mvlm-redis-'));
  const remove = () => fs.rmSync(dir, { recursive: true, force: true });
  for (let attempt = 0; ; attempt++) {
    try {
      const server = await startOnce(await freePort(), dir);
      return { ...server, stop: () => server.stop().finally(remove) };
    } catch (e) {
      if (attempt < 2 && /Address already in use/.test((e as Error).message)) continue;
      remove();
      throw e;
    }
  }
}
