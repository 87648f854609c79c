/** Messages between the data-parallel coordinator and its workers. */
import type { HostFeatures, ShardMode, TaskSource } from './shard';

export interface InitMessage {
  index: number;
  source: TaskSource;
  /** Backend the coordinator runs (the worker prefers the same). */
  backend: string;
  /** Float32 [P]: weights written by the coordinator before every step. */
  weights: SharedArrayBuffer;
  /** Float32 [W, P]: worker w writes the sum of its shards' gradients into row w. */
  grads: SharedArrayBuffer;
}

/** 'global' mode's first pass: the features of `shards` at the weights just written. */
export interface FeaturesMessage {
  kind: 'features';
  step: number;
  shards: number[];
  numShards: number;
  rngState: number;
}

export interface StepMessage {
  kind: 'step';
  step: number;
  shards: number[];
  numShards: number;
  rngState: number;
  mode: ShardMode;
  /** Every shard's features joined (after a features pass, whose weights the worker still holds). */
  gathered?: HostFeatures;
}

export type WorkerReply =
  | { kind: 'ready'; names: string[]; total: number; gathers: boolean }
  | { kind: 'features'; features: HostFeatures[]; ms: number }
  | { kind: 'done'; total: number; terms: Record<string, number>; /** The worker's own time for the step (weights in, gradients out). */ ms: number }
  | { kind: 'error'; message: string };
