/**
 * Data-parallel gradients over worker_threads. Each worker has its own tfjs backend (its own
 * wasm instance) and model replica; every step the coordinator writes the current weights to a
 * SharedArrayBuffer, each worker computes the summed gradients of its shards into its row of a
 * shared [W, P] buffer, and the coordinator averages the rows (in worker order, so 1 worker with
 * S shards and S workers with one shard each add the same floats in the same order).
 * When an objective compares rows across the batch (contrastive negatives, hard-negative ITM), a
 * step has two rounds, as open_clip's all-gather of features: the workers embed their shards
 * without gradient and send the features, the coordinator joins them in shard order and sends the
 * whole batch's back with the step, and each worker differentiates its shards against them
 * (shard.ts, objectives/global_batch.ts): the losses and gradients do not depend on the shard count.
 * The optimizer, clipping, checkpoints and logging stay with the caller (e.g. the trainer).
 */
import * as path from 'path';
import * as tf from '@tensorflow/tfjs';
import { Worker } from 'worker_threads';
import type { ParamStore } from '../core/params';
import type { FeaturesMessage, InitMessage, StepMessage, WorkerReply } from './protocol';
import { MVLM_KERNELS, hasKernel } from '../backend/switches';
import { tensorFromFloats } from '../backend/wasm/host_copy';
import { MEAN_ROWS_KERNEL } from '../backend/wasm/mean_rows';
import { HostFeatures, ParamLayout, ShardMode, TaskSource, joinFeatures, paramLayout, saveWeights } from './shard';

export interface DataParallelOptions {
  /** Worker threads (each its own wasm instance). */
  workers: number;
  /** Shards per global batch (default = workers); must be a multiple of `workers`. */
  shards?: number;
  /** The factory each worker calls to build its replica and data. */
  source: TaskSource;
  /** The coordinator's parameters (the optimizer updates these; workers copy them each step). */
  store: ParamStore;
  /**
   * 'global' (default): every shard's loss is the whole batch's (features gathered). 'local': each
   * shard's loss over its own rows only (fewer negatives: the objective changes with the shard
   * count), kept to measure what gathering costs.
   */
  mode?: ShardMode;
}

export interface ParallelStep {
  /** Mean gradient over all shards, by store name; the caller disposes them. */
  grads: Map<string, tf.Tensor>;
  /** Mean loss and mean terms over the shards. */
  total: number;
  terms: Record<string, number>;
  /** Each worker's own time for the step (both rounds), ms (the rest of the wall time is coordination). */
  workerMs: number[];
}

let live = 0;

/** Worker threads started by DataParallel and not yet terminated, in this process (tests check 0). */
export function liveWorkers(): number {
  return live;
}

/** Start a worker on the compiled .js in dist/, or on the .ts source through ts-node. */
function spawn(init: InitMessage): Worker {
  const file = path.join(__dirname, `worker${path.extname(__filename)}`);
  if (file.endsWith('.js')) return new Worker(file, { workerData: init });
  const boot = `require('ts-node').register({ transpileOnly: true }); require(${JSON.stringify(file)});`;
  return new Worker(boot, { eval: true, workerData: init });
}

export class DataParallel {
  private readonly layout: ParamLayout;
  private readonly weights: Float32Array;
  private readonly grads: Float32Array;
  private readonly workers: Worker[] = [];
  readonly numShards: number;
  readonly mode: ShardMode;
  /** The task gathers features across shards (reported by the workers at start). */
  private gathers = false;

  private constructor(private readonly opts: DataParallelOptions) {
    if (!(Number.isInteger(opts.workers) && opts.workers >= 1)) throw new Error(`parallel: workers must be a positive integer, got ${opts.workers}`);
    this.numShards = opts.shards ?? opts.workers;
    this.mode = opts.mode ?? 'global';
    if (this.numShards % opts.workers !== 0) throw new Error(`parallel: shards (${this.numShards}) must be a multiple of workers (${opts.workers})`);
    this.layout = paramLayout(opts.store);
    this.weights = new Float32Array(new SharedArrayBuffer(4 * this.layout.total));
    this.grads = new Float32Array(new SharedArrayBuffer(4 * this.layout.total * opts.workers));
  }

  static async start(opts: DataParallelOptions): Promise<DataParallel> {
    const dp = new DataParallel(opts);
    try {
      await dp.boot();
    } catch (e) {
      await dp.close();
      throw e;
    }
    return dp;
  }

  private async boot(): Promise<void> {
    const backend = tf.getBackend();
    const ready: Promise<WorkerReply>[] = [];
    for (let index = 0; index < this.opts.workers; index++) {
      const w = spawn({ index, source: this.opts.source, backend, weights: this.weights.buffer as SharedArrayBuffer, grads: this.grads.buffer as SharedArrayBuffer });
      this.workers.push(w);
      live++;
      ready.push(reply(w));
    }
    for (const r of await Promise.all(ready)) {
      if (r.kind !== 'ready') throw new Error(r.kind === 'error' ? r.message : `parallel: unexpected '${r.kind}' at start`);
      this.gathers = r.gathers;
      if (r.names.join() !== this.layout.names.join()) {
        throw new Error(`parallel: a worker's trainable params differ from the coordinator's (${r.names.length} vs ${this.layout.names.length})`);
      }
    }
  }

  /** Mean gradients of step `step` over every shard, at the store's current weights. */
  async gradients(step: number, rngState: number): Promise<ParallelStep> {
    saveWeights(this.opts.store, this.layout, this.weights);
    const W = this.workers.length;
    const S = this.numShards;
    const assigned = this.workers.map((_, i) => Array.from({ length: S / W }, (_, j) => i + j * W));
    const roundMs = this.workers.map(() => 0);
    let gathered: HostFeatures | undefined;
    if (this.mode === 'global' && this.gathers && S > 1) {
      const sent = await Promise.all(
        this.workers.map((w, i) => ask(w, { kind: 'features', step, shards: assigned[i], numShards: S, rngState } satisfies FeaturesMessage)),
      );
      const byShard: HostFeatures[] = new Array(S);
      sent.forEach((r, i) => {
        if (r.kind !== 'features') throw new Error(r.kind === 'error' ? r.message : `parallel: unexpected '${r.kind}'`);
        assigned[i].forEach((shard, j) => (byShard[shard] = r.features[j]));
        roundMs[i] = r.ms;
      });
      gathered = joinFeatures(byShard);
    }
    const done = await Promise.all(
      this.workers.map((w, i) => ask(w, { kind: 'step', step, shards: assigned[i], numShards: S, rngState, mode: this.mode, gathered } satisfies StepMessage)),
    );
    let total = 0;
    const terms: Record<string, number> = {};
    for (const r of done) {
      if (r.kind !== 'done') throw new Error(r.kind === 'error' ? r.message : `parallel: unexpected '${r.kind}'`);
      total += r.total;
      for (const [k, v] of Object.entries(r.terms)) terms[k] = (terms[k] ?? 0) + v;
    }
    for (const k of Object.keys(terms)) terms[k] /= S;
    return { grads: this.meanGrads(), total: total / S, terms, workerMs: done.map((r, i) => (r.kind === 'done' ? r.ms + roundMs[i] : NaN)) };
  }

  /** Rows of the shared buffer summed in worker order on the device, divided by the shard count, cut into params. */
  private meanGrads(): Map<string, tf.Tensor> {
    const { total: P, names, shapes } = this.layout;
    const W = this.workers.length;
    const scale = 1 / this.numShards;
    const parts = tf.tidy(() => {
      const rows = tensorFromFloats(this.grads, [W, P]);
      if (hasKernel(MEAN_ROWS_KERNEL, MVLM_KERNELS.meanRows)) {
        return tf.engine().runKernel(MEAN_ROWS_KERNEL, { rows }, { shapes, scale } as unknown as tf.NamedAttrMap) as unknown as tf.Tensor[];
      }
      let sum = rows.slice([0, 0], [1, P]);
      for (let w = 1; w < W; w++) sum = tf.add(sum, rows.slice([w, 0], [1, P]));
      const mean = tf.mul(sum.reshape([P]), tf.scalar(scale));
      return tf.split(mean, shapes.map((s) => tf.util.sizeFromShape(s))).map((part, i) => part.reshape(shapes[i]));
    });
    return new Map(names.map((name, i) => [name, parts[i]]));
  }

  async close(): Promise<void> {
    await Promise.all(
      this.workers.map(async (w) => {
        w.postMessage({ kind: 'close' });
        await w.terminate();
        live--;
      }),
    );
    this.workers.length = 0;
  }
}

/** Send `msg` to a worker and wait for its reply. */
function ask(w: Worker, msg: FeaturesMessage | StepMessage): Promise<WorkerReply> {
  const r = reply(w);
  w.postMessage(msg);
  return r;
}

/** The next message from a worker (or its crash as an error reply). */
function reply(w: Worker): Promise<WorkerReply> {
  return new Promise((resolve) => {
    const onMessage = (m: WorkerReply) => {
      cleanup();
      resolve(m);
    };
    const onError = (e: Error) => {
      cleanup();
      resolve({ kind: 'error', message: `parallel worker crashed: ${e.stack ?? e.message}` });
    };
    const cleanup = () => {
      w.off('message', onMessage);
      w.off('error', onError);
    };
    w.on('message', onMessage);
    w.on('error', onError);
  });
}
