/**
 * A data-parallel worker thread: its own tfjs backend (its own wasm instance), its own model
 * replica built by the task factory, and a region of the shared gradient buffer.
 * Protocol (main → worker): init, [features,] step, close; (worker → main): ready, [features,] done, error.
 */
import { parentPort, workerData } from 'worker_threads';
import { initBackend } from '../backend';
import { ParamLayout, ShardTask, loadTask, loadWeights, paramLayout, shardFeatures, shardGradients } from './shard';
import type { FeaturesMessage, InitMessage, StepMessage, WorkerReply } from './protocol';

async function main(): Promise<void> {
  const port = parentPort!;
  const init = workerData as InitMessage;
  let task: ShardTask;
  let layout: ParamLayout;
  try {
    await initBackend({ quiet: true, prefer: init.backend as never });
    task = await loadTask(init.source);
    layout = paramLayout(task.store);
  } catch (e) {
    port.postMessage({ kind: 'error', message: `worker ${init.index} init: ${(e as Error).stack ?? e}` } satisfies WorkerReply);
    return;
  }
  const weights = new Float32Array(init.weights);
  const grads = new Float32Array(init.grads, init.index * layout.total * 4, layout.total);
  port.postMessage({ kind: 'ready', names: layout.names, total: layout.total, gathers: task.gathers } satisfies WorkerReply);
  port.on('message', (msg: FeaturesMessage | StepMessage | { kind: 'close' }) => {
    if (msg.kind === 'close') {
      task.dispose();
      port.close();
      return;
    }
    try {
      const t0 = performance.now();
      if (msg.kind === 'features') {
        loadWeights(task.store, layout, weights);
        const features = shardFeatures(task, msg.step, msg.shards, msg.numShards, msg.rngState);
        port.postMessage({ kind: 'features', features, ms: performance.now() - t0 } satisfies WorkerReply);
        return;
      }
      // after a features pass the weights of this step are loaded already
      if (!msg.gathered) loadWeights(task.store, layout, weights);
      const { total, terms } = shardGradients(task, layout, msg.step, msg.shards, msg.numShards, msg.rngState, grads, msg.mode, msg.gathered);
      port.postMessage({ kind: 'done', total, terms, ms: performance.now() - t0 } satisfies WorkerReply);
    } catch (e) {
      port.postMessage({ kind: 'error', message: `worker ${init.index} step ${msg.step}: ${(e as Error).stack ?? e}` } satisfies WorkerReply);
    }
  });
}

void main();
