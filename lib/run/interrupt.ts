/**
 * Ctrl-C and SIGTERM during training: the first one asks the trainer to stop after the current
 * step and checkpoint it; our listeners are then removed, so a second one gets the default action
 * and ends the process at once (even in the middle of a step, which a JS handler could not).
 */
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;
type StopSignal = (typeof SIGNALS)[number];

/** Shell convention: 128 + the signal number. */
const EXIT_CODES: Record<StopSignal, number> = { SIGINT: 130, SIGTERM: 143 };

export interface InterruptCatcher {
  /** Aborted (reason: the signal name) at the first SIGINT/SIGTERM. */
  signal: AbortSignal;
  /** Remove the listeners (if no signal came). */
  release(): void;
}

export function catchInterrupts(log: (msg: string) => void = console.error): InterruptCatcher {
  const controller = new AbortController();
  const release = () => SIGNALS.forEach((s) => process.removeListener(s, handlers[s]));
  const on = (name: StopSignal) => () => {
    release();
    log(`\n${name}: finishing the current step and saving a checkpoint (${name === 'SIGINT' ? 'Ctrl-C' : 'signal'} again to exit at once without saving)`);
    controller.abort(name);
  };
  const handlers = { SIGINT: on('SIGINT'), SIGTERM: on('SIGTERM') };
  SIGNALS.forEach((s) => process.on(s, handlers[s]));
  return { signal: controller.signal, release };
}

/** Exit code for a run stopped by `reason` (130 SIGINT, 143 SIGTERM, else 1). */
export function interruptExitCode(reason: string): number {
  return EXIT_CODES[reason as StopSignal] ?? 1;
}

/** A path as a shell word (quoted when it holds anything a shell would split or expand). */
export function shellWord(s: string): string {
  return /^[\w@%+=:,./-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}
