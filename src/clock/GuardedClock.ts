import { logSafely } from '../logging/logSafely.js';
import type { Logger } from '../options.js';
import { type Clock, systemClock } from './Clock.js';
import { FakeClock } from './FakeClock.js';

/** The faults a guarded clock reports, each once (bit flags). */
const NOW_THREW = 1;
const NOT_FINITE = 2;
const WENT_BACK = 4;
const SET_TIMEOUT_THREW = 8;
const CLEAR_TIMEOUT_THREW = 16;
const WALL_NOW_FAILED = 32;

const FAULTS: Readonly<Record<number, string>> = {
  [NOW_THREW]: "now() threw; using the clock's last good reading",
  [NOT_FINITE]: "now() returned a value that is not a finite number; using the clock's last good reading",
  [WENT_BACK]: 'now() went back in time; time goes on from the last good reading at the clock’s rate',
  [SET_TIMEOUT_THREW]: 'setTimeout() threw; using the global setTimeout for this timer',
  [CLEAR_TIMEOUT_THREW]: 'clearTimeout() threw; the timer may still fire (and find nothing to do)',
  [WALL_NOW_FAILED]: 'wallNow() threw or returned a value that is not a finite number; using Date.now()',
};

/** A Node timer handle, which may stop keeping the process alive. */
interface RefHandle {
  ref?(): unknown;
  unref?(): unknown;
  hasRef?(): boolean;
}

/**
 * @internal A timer of the global `setTimeout`, set when the user's clock could not set one: its
 * handle is wrapped so that {@link GuardedClock.clearTimeout} knows to clear it globally.
 */
class FallbackTimer {
  readonly #handle: unknown;
  constructor(handle: unknown) {
    this.#handle = handle;
  }
  unref(): this {
    (this.#handle as RefHandle | undefined)?.unref?.();
    return this;
  }
  ref(): this {
    (this.#handle as RefHandle | undefined)?.ref?.();
    return this;
  }
  hasRef(): boolean {
    return (this.#handle as RefHandle | undefined)?.hasRef?.() ?? true;
  }
  clear(): void {
    globalThis.clearTimeout(this.#handle as Parameters<typeof clearTimeout>[0]);
  }
}

/**
 * @internal A user's clock, read so that nothing it does can stop time or reach a caller (DESIGN
 * section 11): a reading that is `NaN`, infinite or not a number is replaced by the last good one; a
 * reading earlier than the last one rebases (time goes on from the last good reading at the clock's
 * rate: a jump back of an hour is a step of 0, so deadlines still pass); a `now()` that throws counts
 * as a repeat of the last reading; a `setTimeout()` that throws sets a global timer instead (a call's
 * timeout still fires); a `clearTimeout()` that throws is ignored (the timer fires and finds nothing).
 * Each kind of fault is reported once, as a `warn` line on the logger given.
 *
 * The readings it gives out never decrease. A good reading costs one addition and two comparisons
 * more than the clock's own. The system clock and {@link FakeClock} are trusted and never wrapped
 * (see {@link guardClock}).
 */
export class GuardedClock implements Clock {
  readonly #clock: Clock;
  readonly #logger: Logger | undefined;
  /** Added to the clock's readings: what rebasing after a jump back (or a first bad reading) shifted. */
  #offset = 0;
  /** The last reading given out; `-Infinity` before the first. */
  #last = Number.NEGATIVE_INFINITY;
  /** Faults already reported. */
  #reported = 0;

  /**
   * @param clock - The user's clock.
   * @param logger - Where each kind of fault is reported once (`warn`); none: silently.
   */
  constructor(clock: Clock, logger: Logger | undefined) {
    this.#clock = clock;
    this.#logger = logger;
  }

  /** The clock's reading, guarded: finite, never earlier than the last one given out. */
  now(): number {
    let raw: unknown;
    try {
      raw = this.#clock.now();
    } catch (error) {
      return this.#bad(NOW_THREW, error);
    }
    if (typeof raw === 'number') {
      const time = raw + this.#offset;
      if (time >= this.#last && time <= Number.MAX_VALUE) return (this.#last = time);
    }
    return this.#odd(raw);
  }

  /** The clock's epoch time, or `Date.now()` when it has none or it fails. */
  wallNow(): number {
    const wallNow = this.#clock.wallNow;
    if (wallNow === undefined) return Date.now();
    try {
      const wall: unknown = wallNow.call(this.#clock);
      if (typeof wall === 'number' && Number.isFinite(wall)) return wall;
      this.#report(WALL_NOW_FAILED, wall);
    } catch (error) {
      this.#report(WALL_NOW_FAILED, error);
    }
    return Date.now();
  }

  /** The clock's `setTimeout`; the global one when the clock's throws. */
  setTimeout(callback: () => void, ms: number): unknown {
    try {
      return this.#clock.setTimeout(callback, ms);
    } catch (error) {
      this.#report(SET_TIMEOUT_THREW, error);
    }
    try {
      return new FallbackTimer(globalThis.setTimeout(callback, ms));
    } catch {
      // No timers at all in this runtime: the deadline is applied when the breaker is next touched.
      return undefined;
    }
  }

  /** The clock's `clearTimeout` (or the global one for a timer set by {@link GuardedClock.setTimeout}'s fallback). */
  clearTimeout(handle: unknown): void {
    if (handle instanceof FallbackTimer) {
      handle.clear();
      return;
    }
    try {
      this.#clock.clearTimeout(handle);
    } catch (error) {
      this.#report(CLEAR_TIMEOUT_THREW, error);
    }
  }

  /** A reading that is not a finite number, or went back: the last good time goes on. */
  #odd(raw: unknown): number {
    if (typeof raw !== 'number' || !Number.isFinite(raw)) return this.#bad(NOT_FINITE, raw);
    this.#report(WENT_BACK, raw);
    this.#offset = this.#last - raw;
    return this.#last;
  }

  /** No usable reading: the last one again (0 if there was none yet). */
  #bad(fault: number, detail: unknown): number {
    this.#report(fault, detail);
    if (this.#last === Number.NEGATIVE_INFINITY) this.#last = 0;
    return this.#last;
  }

  #report(fault: number, detail: unknown): void {
    if ((this.#reported & fault) !== 0) return;
    this.#reported |= fault;
    const fields = detail instanceof Error ? { err: detail } : { value: describeValue(detail) };
    logSafely(this.#logger, 'warn', fields, `breakwater: the clock's ${FAULTS[fault]} (reported once)`);
  }
}

/** A reading, for the log: a number as it is, anything else by its type (it is never read further). */
function describeValue(value: unknown): string {
  return typeof value === 'number' ? String(value) : typeof value;
}

/** Key of the guarded clocks made without a logger. */
const NO_LOGGER = {};
const guarded = new WeakMap<Clock, WeakMap<object, GuardedClock>>();

/**
 * @internal Whether a clock is trusted as it is: the system clock, a {@link FakeClock} whose methods
 * are FakeClock's own, and clocks already guarded. Trusted clocks are read directly (the hot path pays
 * nothing for the guard).
 */
export function isTrustedClock(clock: Clock): boolean {
  try {
    if (clock === systemClock || clock instanceof GuardedClock) return true;
    const fake = FakeClock.prototype;
    return (
      Object.getPrototypeOf(clock) === fake &&
      clock.now === fake.now &&
      clock.setTimeout === fake.setTimeout &&
      clock.clearTimeout === fake.clearTimeout &&
      clock.wallNow === fake.wallNow
    );
  } catch {
    return false; // a Proxy that cannot be inspected is not trusted
  }
}

/**
 * @internal The clock a breaker (or a registry's keyed group, or a store) reads: `clock` itself when
 * trusted, else its {@link GuardedClock}. One guard per clock and logger, shared by every breaker
 * that has both, so that they share its timeout scheduler and coarse clock and see one time.
 * @param clock - A clock that passed validation (an object with `now`, `setTimeout`, `clearTimeout`).
 * @param logger - Where the guard reports faults.
 * @returns A clock whose readings are finite and never go back, and whose methods never throw.
 */
export function guardClock(clock: Clock, logger: Logger | undefined): Clock {
  if (isTrustedClock(clock)) return clock;
  let byLogger = guarded.get(clock);
  if (byLogger === undefined) {
    byLogger = new WeakMap();
    guarded.set(clock, byLogger);
  }
  const key = logger ?? NO_LOGGER;
  let guard = byLogger.get(key);
  if (guard === undefined) {
    guard = new GuardedClock(clock, logger);
    byLogger.set(key, guard);
  }
  return guard;
}
