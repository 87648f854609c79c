/**
 * The child process of `mvlm compare --jobs N` (forked by job_pool.ts): its own tfjs backend, then
 * one job at a time as the parent sends them. Messages carry JSON text (toJobJson), not objects,
 * so a record crosses the pipe with every number exact (IPC's JSON would turn NaN into null).
 */
import { initBackend } from '../backend';
import type { JobSpec } from './job';
import { parseJobSpec, toJobJson } from './job_json';
import { runJob } from './run_job';

/** Parent → child. */
export type ToChild = { type: 'run'; spec: string; out: string };
/** Child → parent. */
export type FromChild =
  | { type: 'ready' }
  | { type: 'progress'; id: string; step: number; steps: number }
  | { type: 'record'; id: string; record: string }
  | { type: 'failed'; id: string; error: string };

function send(m: FromChild): void {
  process.send?.(m);
}

async function main(): Promise<void> {
  const backend = await initBackend({ quiet: true });
  process.on('message', async (m: ToChild) => {
    if (m.type !== 'run') return;
    let spec: JobSpec | undefined;
    try {
      spec = parseJobSpec(m.spec, 'job spec from the parent');
      const id = spec.id;
      const record = await runJob(spec, { out: m.out, backend, onProgress: (p) => send({ type: 'progress', id, ...p }) });
      send({ type: 'record', id, record: toJobJson(record) });
    } catch (e) {
      send({ type: 'failed', id: spec?.id ?? '?', error: (e as Error).stack ?? String(e) });
    }
  });
  process.on('disconnect', () => process.exit(0));
  send({ type: 'ready' });
}

if (require.main === module) {
  main().catch((e) => {
    console.error(`mvlm job child: ${(e as Error).stack ?? e}`);
    process.exit(1);
  });
}
