/**
 * The time source of a breaker. Inject one to control time (see {@link FakeClock}).
 *
 * `now()` is monotonic and process-local (never compared across hosts); `wallNow()` gives the epoch
 * times reported by `metrics()` and saved by `toJSON()`.
 */
export interface Clock {
  /** Monotonic milliseconds. */
  now(): number;
  /** Epoch milliseconds for reporting. @default Date.now */
  wallNow?(): number;
  /** Schedules `callback` after `ms`; the handle may have `unref()`. */
  setTimeout(callback: () => void, ms: number): unknown;
  /** Cancels a handle returned by `setTimeout`. */
  clearTimeout(handle: unknown): void;
}

let performanceObject: Performance | undefined;

/**
 * The default clock: `performance.now()` and the global timers. Works in Node, browsers, Deno, Bun
 * and edge runtimes.
 */
export const systemClock: Clock = Object.freeze({
  // `performance` is captured on first use: reading the global each time costs ~10 ns on Node 20.
  now: () => (performanceObject ??= globalThis.performance).now(),
  wallNow: () => Date.now(),
  setTimeout: (callback: () => void, ms: number): unknown => setTimeout(callback, ms),
  clearTimeout: (handle: unknown): void => clearTimeout(handle as Parameters<typeof clearTimeout>[0]),
});

/**
 * @internal Schedules a timer that never keeps the process alive (a no-op where timers cannot be
 * unref'd, or where a handle's `unref` fails: the timer is then an ordinary one).
 */
export function setUnrefTimeout(clock: Clock, callback: () => void, ms: number): unknown {
  const handle = clock.setTimeout(callback, ms);
  try {
    (handle as { unref?: () => void } | undefined)?.unref?.();
  } catch {
    // A user clock's handle whose unref() throws keeps the process alive until it fires; nothing more.
  }
  return handle;
}
