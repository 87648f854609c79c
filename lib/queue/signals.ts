/**
 * Ctrl-C / SIGTERM for the queue commands: the first one aborts the returned signal (the worker
 * stops taking jobs, the coordinator stops waiting and removes its queue); our listeners are then
 * removed, so a second one gets the default action and ends the process at once.
 */
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export function stopOnSignals(): { signal: AbortSignal; release(): void } {
  const controller = new AbortController();
  const release = () => SIGNALS.forEach((s) => process.removeListener(s, handlers[s]));
  const on = (name: string) => () => {
    release();
    controller.abort(name);
  };
  const handlers = { SIGINT: on('SIGINT'), SIGTERM: on('SIGTERM') };
  SIGNALS.forEach((s) => process.on(s, handlers[s]));
  return { signal: controller.signal, release };
}
