/** Data-parallel training over worker_threads: workers compute shard gradients, shared through SharedArrayBuffer. */
export * from './shard';
export * from './data_parallel';
export type { InitMessage, StepMessage, WorkerReply } from './protocol';
export * from './ceiling';
