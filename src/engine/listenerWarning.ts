/** Breakers (their announcers) that have already warned: kept aside, so that no breaker pays a field for it. */
const warned = new WeakSet<object>();

/** What `globalThis.process` offers where there is one (Node, Bun, Deno's compatibility layer). */
interface WarningHost {
  emitWarning?: (warning: string, options: { type: string; code: string }) => void;
}

/**
 * @internal A listener threw (or its promise rejected) on a breaker without a logger. The error
 * never reaches the caller, but it must not vanish either: the first one per breaker is reported as a
 * process warning (`process.emitWarning`, code `BREAKWATER_LISTENER_ERROR`) where the runtime has
 * one, else with `console.warn`, naming the breaker, the event and how to see every one (a `logger`).
 * Later ones stay silent. Nothing it does throws.
 * @param owner - The breaker's announcer, to warn once per breaker.
 * @param breaker - The breaker's name.
 * @param event - The event whose listener threw.
 * @param error - What it threw.
 */
export function warnListenerError(owner: object, breaker: string, event: string, error: unknown): void {
  if (warned.has(owner)) return;
  warned.add(owner);
  try {
    const message =
      `Circuit breaker '${breaker}': a '${event}' listener threw: ${describeError(error)}. ` +
      'Listener errors never reach callers; this is the first of this breaker, later ones are not shown. ' +
      'Pass a `logger` to the breaker (or its registry) to see every one.';
    const host = (globalThis as { process?: WarningHost }).process;
    if (typeof host?.emitWarning === 'function') {
      host.emitWarning(message, { type: 'BreakwaterWarning', code: 'BREAKWATER_LISTENER_ERROR' });
    } else {
      console.warn(message);
    }
  } catch {
    // A warning that cannot be given must not become an error of the breaker.
  }
}

function describeError(error: unknown): string {
  try {
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    return typeof error === 'string' ? error : String(error);
  } catch {
    return 'a value that cannot be shown';
  }
}
