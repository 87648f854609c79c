/**
 * `mvlm compare --jobs N`: the study's jobs in N child processes (child_process.fork), each with
 * its own tfjs backend, taking the next job as it finishes one. A job that fails, or a child that
 * dies, fails the study with the job's arm and the child's error; the other children finish the
 * job they are on (their records are kept) and take no new ones.
 */
import { type ChildProcess, fork } from 'child_process';
import * as path from 'path';
import type { JobSpec } from './job';
import type { FromChild, ToChild } from './job_child';
import { parseJobRecord, toJobJson } from './job_json';
import { JobFailedError, type JobRunner } from './run_jobs';

/** Lines of a child's stderr kept to explain its death. */
const STDERR_TAIL_LINES = 20;

export interface PoolOptions {
  out: string;
  /** Child processes (at most one per job). */
  jobs: number;
  /** Environment of the children (default: this process's). */
  env?: NodeJS.ProcessEnv;
}

/** Set in every job child: a child never forks children of its own. */
const CHILD_MARK = 'MVLM_JOB_CHILD';

/**
 * Fork a job child: the compiled .js in dist/, or the .ts source through ts-node. Not with this
 * process's execArgv: under `ts-node -e` that holds the script itself, and each child would run
 * the study again.
 */
function forkChild(env: NodeJS.ProcessEnv | undefined): ChildProcess {
  const file = path.join(__dirname, `job_child${path.extname(__filename)}`);
  const execArgv = file.endsWith('.ts') ? ['-r', 'ts-node/register/transpile-only'] : [];
  return fork(file, [], { execArgv, env: { ...(env ?? process.env), [CHILD_MARK]: '1' }, stdio: ['ignore', 'pipe', 'pipe', 'ipc'] });
}

export function inChildren(o: PoolOptions): JobRunner {
  if (process.env[CHILD_MARK]) throw new Error(`compare --jobs: this process is a job child (${CHILD_MARK} is set) and may not fork job children`);
  return (specs, events) =>
    new Promise<void>((resolve, reject) => {
      const queue = [...specs];
      const failures: Error[] = [];
      let live = 0;
      const settle = () => {
        if (live > 0) return;
        if (failures.length) reject(failures.length === 1 ? failures[0] : new Error(failures.map((f) => f.message).join('\n')));
        else if (queue.length) reject(new Error(`${queue.length} jobs left with no child process to run them`));
        else resolve();
      };
      const startChild = () => {
        const child = forkChild(o.env);
        live += 1;
        let current: JobSpec | undefined;
        let released = false;
        const release = () => {
          released = true;
          child.disconnect();
        };
        const tail: string[] = [];
        const relay = (chunk: Buffer) => {
          for (const line of chunk.toString().split('\n').filter(Boolean)) {
            tail.push(line);
            if (tail.length > STDERR_TAIL_LINES) tail.shift();
            events.log(`[${current?.id ?? `child ${child.pid}`}] ${line}`);
          }
        };
        child.stdout?.on('data', relay);
        child.stderr?.on('data', relay);
        const next = () => {
          current = failures.length ? undefined : queue.shift();
          if (!current) return release();
          events.start(current);
          child.send({ type: 'run', spec: toJobJson(current), out: o.out } satisfies ToChild);
        };
        child.on('message', (m: FromChild) => {
          if (m.type === 'ready') return next();
          if (!current || m.id !== current.id) return;
          if (m.type === 'progress') return events.progress(current, m);
          if (m.type === 'record') {
            try {
              events.done(parseJobRecord(m.record, `record of job ${current.id} from child ${child.pid}`));
            } catch (e) {
              failures.push(new JobFailedError(current, (e as Error).message));
              current = undefined;
              return release();
            }
            return next();
          }
          failures.push(new JobFailedError(current, m.error));
          current = undefined;
          release();
        });
        child.on('exit', (code, signal) => {
          live -= 1;
          const why = signal ? `child process ${child.pid} was killed by ${signal}` : `child process ${child.pid} exited with code ${code}`;
          const last = tail.length ? `; its last output:\n${tail.join('\n')}` : '';
          if (current) failures.push(new JobFailedError(current, `its ${why}${last}`));
          else if (!released) failures.push(new Error(`job ${why} before taking a job${last}`));
          settle();
        });
        child.on('error', (e) => events.log(`child ${child.pid}: ${e.message}`));
      };
      for (let i = 0; i < Math.min(o.jobs, queue.length); i++) startChild();
      settle();
    });
}
