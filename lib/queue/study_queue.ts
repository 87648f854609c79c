/**
 * One BullMQ queue per study run, and the list of live ones that workers pick from.
 *
 * The queue name is the study id (`<preset>-<plan hash>`) plus the start time and a random tag, so
 * a queue left by an earlier coordinator (crashed, or the same study run again) never shares jobs
 * with a new one. A coordinator lists its queue in the sorted set `mvlm:studies` with an expiry
 * (score) it renews while it waits; workers take jobs only from unexpired entries, so a queue
 * whose coordinator died is ignored once its entry expires, and the coordinator removes both the
 * entry and the queue when it is done.
 */
import { randomBytes } from 'crypto';
import type { Redis } from 'ioredis';

export const STUDIES_KEY = 'mvlm:studies';
/** How long a listing lives without renewal, and how often the coordinator renews it. */
export const LISTING_TTL_MS = 15000;
export const LISTING_RENEW_MS = 5000;

/** `mvlm-<study id>-<yyyymmddhhmmss>-<tag>`: sorts by start time within a study. */
export function studyQueueName(studyId: string, now = new Date()): string {
  const time = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  return `mvlm-${studyId.replace(/[^\w.-]/g, '_')}-${time}-${randomBytes(3).toString('hex')}`;
}

/** List (or renew) `queue` as live for LISTING_TTL_MS. */
export async function listStudy(redis: Redis, queue: string): Promise<void> {
  await redis.zadd(STUDIES_KEY, Date.now() + LISTING_TTL_MS, queue);
}

export async function unlistStudy(redis: Redis, queue: string): Promise<void> {
  await redis.zrem(STUDIES_KEY, queue);
}

/** The live study queues, oldest listing first (expired ones are dropped from the set). */
export async function liveStudies(redis: Redis): Promise<string[]> {
  const now = Date.now();
  await redis.zremrangebyscore(STUDIES_KEY, '-inf', now);
  const names = await redis.zrangebyscore(STUDIES_KEY, now, '+inf');
  return names.sort((a, b) => a.slice(a.length - 22).localeCompare(b.slice(b.length - 22)));
}

/**
 * BullMQ's lock and stall settings for a worker. A worker renews its job's lock every
 * lockDuration / 2; a job whose lock expired (its worker died) is found by another worker's
 * stall check (every stalledInterval) and put back in the queue, up to maxStalledCount times.
 */
export interface StallPolicy {
  lockDuration: number;
  stalledInterval: number;
  maxStalledCount: number;
}

export const DEFAULT_STALL_POLICY: StallPolicy = { lockDuration: 30000, stalledInterval: 30000, maxStalledCount: 2 };
