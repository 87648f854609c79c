/** Data-parallel training over worker_threads: workers compute shard gradients, shared through SharedArrayBuffer. */
export * from './shard';
export * from './data_parallel';
export * from './bench_task';
export type { InitMessage, StepMessage, WorkerReply } from './protocol';
export * from './bench_row';
export * from './experiment_task';
export * from './ceiling';
