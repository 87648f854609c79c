/**
 * The Redis behind a study queue: `redis://[user:password@]HOST:PORT[/DB]` (or `rediss://` for TLS).
 * ioredis reconnects forever by default; here the first connection fails at once with the URL in the
 * message, and a connection lost later is retried for a bounded time, then given up (`onGiveUp`).
 */
import type { RedisOptions } from 'bullmq';
import { Redis } from 'ioredis';

/** Reconnect attempts after a lost connection before the process gives up (≈ 30 s with the delays below). */
export const RECONNECT_ATTEMPTS = 20;
const CONNECT_TIMEOUT_MS = 5000;

export interface QueueServer {
  /** The URL as given (without the password), for messages. */
  url: string;
  options: RedisOptions;
}

/** Parse a queue URL; a malformed one fails with the URL and the form expected. */
export function parseQueueUrl(url: string): QueueServer {
  const expected = 'expected redis://HOST:PORT (or rediss://, with [user:password@] and /DB optional)';
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`--queue ${url}: not a URL (${expected})`);
  }
  if (u.protocol !== 'redis:' && u.protocol !== 'rediss:') throw new Error(`--queue ${url}: protocol ${u.protocol} (${expected})`);
  if (!u.hostname) throw new Error(`--queue ${url}: no host (${expected})`);
  const db = u.pathname.replace(/^\//, '');
  if (db !== '' && !/^\d+$/.test(db)) throw new Error(`--queue ${url}: database '${db}' is not a number (${expected})`);
  const shown = u.password ? url.replace(`:${u.password}@`, ':***@') : url;
  return {
    url: shown,
    options: {
      host: u.hostname.replace(/^\[|\]$/g, ''),
      port: u.port ? Number(u.port) : 6379,
      db: db === '' ? 0 : Number(db),
      ...(u.username ? { username: decodeURIComponent(u.username) } : {}),
      ...(u.password ? { password: decodeURIComponent(u.password) } : {}),
      ...(u.protocol === 'rediss:' ? { tls: {} } : {}),
      connectTimeout: CONNECT_TIMEOUT_MS,
    },
  };
}

/** The error for a server that cannot be reached, naming the URL. */
export function unreachable(server: QueueServer, cause: unknown): Error {
  return new Error(`cannot reach Redis at ${server.url}: ${(cause as Error)?.message ?? String(cause)}`);
}

/** Connect once without retrying and PING; throws `unreachable` on failure. */
export async function checkReachable(server: QueueServer): Promise<void> {
  const client = new Redis({ ...server.options, lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0, enableOfflineQueue: false });
  let cause: Error | undefined; // the socket's error (ECONNREFUSED, ENOTFOUND), not ioredis's "Connection is closed"
  client.on('error', (e: Error) => (cause ??= e));
  try {
    await client.connect();
    await client.ping();
  } catch (e) {
    throw unreachable(server, cause ?? e);
  } finally {
    client.disconnect();
  }
}

/**
 * Connection options for BullMQ (a Queue, Worker or QueueEvents): after a lost connection, reconnect
 * with growing delays up to RECONNECT_ATTEMPTS times, then call `onGiveUp` once and stop.
 */
export function bullConnection(server: QueueServer, onGiveUp: (e: Error) => void): RedisOptions {
  let gaveUp = false;
  return {
    ...server.options,
    maxRetriesPerRequest: null, // BullMQ's blocking connections require it
    retryStrategy: (times: number) => {
      if (times <= RECONNECT_ATTEMPTS) return Math.min(250 * times, 2000);
      if (!gaveUp) {
        gaveUp = true;
        onGiveUp(unreachable(server, new Error(`connection lost, ${RECONNECT_ATTEMPTS} reconnects failed`)));
      }
      return null;
    },
  };
}
