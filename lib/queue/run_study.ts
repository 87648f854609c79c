/**
 * `mvlm compare --queue`: the local study's plan and collect, with the run step on a queue. Records
 * land in `<out>/jobs/` as each job ends, as in a local run, so a rerun with the same --out reuses
 * them, and results.json and the report are written by the same collect.
 */
import { type JobRecord, collectStudy, finishedRecord, planStudy, writeJobRecord } from '../compare';
import { StudyProgress } from '../compare/progress';
import type { CompareResults } from '../report';
import { runJobsOnQueue } from './coordinator';

export interface QueueCompareOptions {
  url: string;
  preset: string;
  out: string;
  arms?: string[];
  sets?: string[];
  quiet?: boolean;
  signal?: AbortSignal;
  log?: (msg: string) => void;
}

export async function runCompareOnQueue(o: QueueCompareOptions): Promise<{ results: CompareResults; reportPath: string; reused: string[] }> {
  const specs = planStudy({ preset: o.preset, arms: o.arms, sets: o.sets });
  const createdAt = new Date().toISOString();
  const progress = new StudyProgress(specs, { quiet: o.quiet });
  const records: JobRecord[] = [];
  const reused: string[] = [];
  try {
    for (const spec of specs) {
      const old = finishedRecord(o.out, spec);
      if (!old) continue;
      reused.push(spec.id);
      records.push(old);
      progress.finish(spec, old, true);
    }
    const todo = specs.filter((s) => !reused.includes(s.id));
    if (todo.length > 0) {
      records.push(...(await runJobsOnQueue({ url: o.url, specs: todo, progress, onRecord: (r) => writeJobRecord(o.out, r), signal: o.signal, log: o.log })));
    }
  } finally {
    progress.stop();
  }
  return { ...(await collectStudy(records, { out: o.out, createdAt })), reused };
}
