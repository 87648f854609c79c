/**
 * One progress display over all jobs of a study: a total bar, and one bar per running job (arm,
 * seed, step, ETA). Off a terminal (logs, CI) one line per finished job instead: cli-progress 3.12
 * draws a MultiBar off a TTY only once, at stop.
 */
import { MultiBar, Presets, type SingleBar } from 'cli-progress';
import type { JobProgress, JobRecord, JobSpec } from './job';

export class StudyProgress {
  private readonly bars: MultiBar | null;
  private readonly total: SingleBar | undefined;
  private readonly running = new Map<string, SingleBar>();
  private readonly stepsDone = new Map<string, number>();
  private finished = 0;

  constructor(
    private readonly specs: JobSpec[],
    private readonly o: { quiet?: boolean; tty?: boolean } = {},
  ) {
    const lines = o.quiet || !(o.tty ?? process.stderr.isTTY);
    this.bars = lines ? null : new MultiBar({ format: ' {bar} {percentage}% | {value}/{total} steps | {job} | ETA {eta_formatted}', hideCursor: true, clearOnComplete: false }, Presets.shades_classic);
    this.total = this.bars?.create(specs.reduce((n, s) => n + s.config.train.steps, 0), 0, { job: `study: 0/${specs.length} jobs` });
  }

  private totalLabel(): string {
    return `study: ${this.finished}/${this.specs.length} jobs`;
  }

  start(spec: JobSpec): void {
    this.running.set(spec.id, this.bars?.create(spec.config.train.steps, 0, { job: `${spec.arm.name} (${spec.setting.name}, seed ${spec.seed})` }) as SingleBar);
  }

  update(spec: JobSpec, p: JobProgress): void {
    this.stepsDone.set(spec.id, p.step);
    this.running.get(spec.id)?.update(p.step);
    this.total?.update([...this.stepsDone.values()].reduce((a, b) => a + b, 0), { job: this.totalLabel() });
  }

  /** The job ended; `reused` when its record came from an earlier run. */
  finish(spec: JobSpec, record: JobRecord, reused = false): void {
    this.finished += 1;
    this.stepsDone.set(spec.id, spec.config.train.steps);
    const bar = this.running.get(spec.id);
    if (bar) this.bars?.remove(bar);
    this.running.delete(spec.id);
    this.total?.update([...this.stepsDone.values()].reduce((a, b) => a + b, 0), { job: this.totalLabel() });
    const r = record.result;
    const line = reused
      ? `${r.name} seed ${r.seed}: reused ${spec.id}.json`
      : `${r.name} seed ${r.seed}: ${r.wallTimeSec.toFixed(1)} s training (${(r.wallTimeSec / r.steps).toFixed(3)} s/step), loss ${r.lossCurve.at(-1)?.loss.toFixed(3)}`;
    if (this.o.quiet) return;
    if (this.bars) this.bars.log(`${line}\n`);
    else console.log(line);
  }

  /** A line above the bars (or on stderr off a terminal). */
  log(line: string): void {
    if (this.bars) this.bars.log(`${line}\n`);
    else console.error(line);
  }

  stop(): void {
    this.bars?.stop();
  }
}
