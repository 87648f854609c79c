/**
 * `mvlm worker --queue redis://HOST:PORT [--concurrency K] [--out DIR]`: run the jobs of studies
 * started with `mvlm compare --queue` on the same Redis, on this machine, until stopped (Ctrl-C or
 * SIGTERM: running jobs finish first; a second signal ends at once, and their jobs go to other workers).
 */
import { Command } from 'commander';
import { DEFAULT_STALL_POLICY, runWorker, stopOnSignals } from '../queue';
import { interruptExitCode } from '../run';
import { commandParser, integer, runCommand, runs } from './program';

interface WorkerCliOptions {
  queue: string;
  concurrency: number;
  out: string;
  lockMs: number;
  stalledMs: number;
}

export function workerParser(): Command {
  const cmd = commandParser('worker', 'run study jobs from a Redis queue (see compare --queue), on this machine')
    .requiredOption('--queue <url>', 'the Redis of the studies, redis://HOST:PORT')
    .option('--concurrency <k>', 'jobs at once, each in its own thread', integer(1), 1)
    .option('--out <dir>', 'run folders and checkpoints (shared storage lets a retried job resume)', 'runs/worker')
    .option('--lock-ms <ms>', "a job's lock in Redis; a worker silent this long loses its job to another", integer(1000), DEFAULT_STALL_POLICY.lockDuration)
    .option('--stalled-ms <ms>', 'how often this worker looks for jobs of lost workers', integer(1000), DEFAULT_STALL_POLICY.stalledInterval);
  return runs(cmd, worker);
}

export function workerCommand(args: string[]): Promise<number> {
  return runCommand(workerParser(), args);
}

async function worker(values: WorkerCliOptions): Promise<number> {
  const stop = stopOnSignals();
  try {
    await runWorker({
      url: values.queue,
      concurrency: values.concurrency,
      out: values.out,
      stall: { lockDuration: values.lockMs, stalledInterval: values.stalledMs },
      signal: stop.signal,
    });
  } finally {
    stop.release();
  }
  return stop.signal.aborted ? interruptExitCode(String(stop.signal.reason)) : 0;
}
