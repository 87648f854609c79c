/**
 * Progress display: a cli-progress bar (loss, samples/s, ETA) on a TTY; on a non-TTY one plain
 * line per log interval; nothing when `quiet`.
 */
import { SingleBar, Presets } from 'cli-progress';

export class Progress {
  private bar: SingleBar | null = null;
  private readonly plain: boolean;

  constructor(
    total: number,
    start: number,
    quiet: boolean,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {
    this.plain = !quiet && !stream.isTTY;
    if (quiet || !stream.isTTY) return;
    this.bar = new SingleBar(
      {
        format: 'train [{bar}] {value}/{total} | loss {loss} | {sps} samples/s | ETA {eta_formatted}',
        stream,
        hideCursor: true,
        etaBuffer: 50,
      },
      Presets.shades_classic,
    );
    this.bar.start(total, start, { loss: '-', sps: '-' });
  }

  /** One step done (no tensor reads). */
  tick(step: number): void {
    this.bar?.update(step);
  }

  /** New numbers from a log interval. */
  report(step: number, loss: number, samplesPerSec: number): void {
    const payload = { loss: loss.toFixed(4), sps: samplesPerSec.toFixed(1) };
    if (this.bar) this.bar.update(step, payload);
    else if (this.plain) this.stream.write(`step ${step} | loss ${payload.loss} | ${payload.sps} samples/s\n`);
  }

  stop(): void {
    this.bar?.stop();
    this.bar = null;
  }
}
