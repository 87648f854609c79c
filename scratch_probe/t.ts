import type { RedisOptions as B } from 'bullmq';
import type { RedisOptions as I } from 'ioredis';
const i: I = {};
export const b: B = i;
