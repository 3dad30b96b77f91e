import { closestName } from '../options/closestName.js';
import { expected } from '../options/describe.js';
import type { Clock } from './Clock.js';

/** Options of {@link FakeClock}. */
export interface FakeClockOptions {
  /** Starting monotonic time. @default 0 */
  now?: number;
  /** Starting epoch time. @default Date.now() */
  wallNow?: number;
}

interface FakeTimer {
  readonly id: number;
  readonly at: number;
  readonly callback: () => void;
  refed: boolean;
}

/** The handle returned by {@link FakeClock.setTimeout}; mirrors Node's `Timeout`. */
export interface FakeTimerHandle {
  /** The timer's id, unique per clock. */
  readonly id: number;
  /** Marks the timer as one that would not keep a process alive. @returns The handle. */
  unref(): FakeTimerHandle;
  /** Marks the timer as one that would keep a process alive (the default). @returns The handle. */
  ref(): FakeTimerHandle;
  /** Whether the timer would keep a process alive. */
  hasRef(): boolean;
}

/**
 * A clock that moves only when told, for testing breakers without waiting.
 *
 * @example
 * ```ts
 * const clock = new FakeClock();
 * const breaker = new CircuitBreaker({ clock, resetTimeout: 1000 });
 * breaker.forceOpen(); breaker.reset(); breaker.open();
 * clock.advance(1000);
 * breaker.state; // 'half_open'
 * ```
 */
export class FakeClock implements Clock {
  #now: number;
  #wallNow: number;
  #nextId = 1;
  readonly #timers = new Map<number, FakeTimer>();

  /**
   * @param options - Starting times.
   * @throws TypeError for options that are not an object, an unknown option (naming the closest), or
   * a time that is not a number; RangeError for a time that is not finite.
   */
  constructor(options: FakeClockOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(expected('options', 'an object such as { now: 0 }', options));
    }
    for (const key of Object.keys(options)) {
      if (key === 'now' || key === 'wallNow') continue;
      const near = closestName(key, ['now', 'wallNow']);
      throw new TypeError(
        `Unknown FakeClock option \`${key}\`; ${near === undefined ? 'the options are `now` and `wallNow`' : `did you mean \`${near}\`?`}`,
      );
    }
    this.#now = time('now', options.now, 0);
    this.#wallNow = time('wallNow', options.wallNow, Date.now());
  }

  /** Current monotonic time. */
  now(): number {
    return this.#now;
  }

  /** Current epoch time; advances together with {@link FakeClock.now}. */
  wallNow(): number {
    return this.#wallNow;
  }

  /** Schedules `callback` to run when the clock reaches `now() + ms`. */
  setTimeout(callback: () => void, ms: number): FakeTimerHandle {
    const id = this.#nextId++;
    const timer: FakeTimer = { id, at: this.#now + Math.max(0, ms), callback, refed: true };
    this.#timers.set(id, timer);
    const handle: FakeTimerHandle = {
      id,
      unref: () => {
        timer.refed = false;
        return handle;
      },
      ref: () => {
        timer.refed = true;
        return handle;
      },
      hasRef: () => timer.refed,
    };
    return handle;
  }

  /** Cancels a timer. Unknown handles are ignored. */
  clearTimeout(handle: unknown): void {
    const id = (handle as FakeTimerHandle | undefined)?.id;
    if (id !== undefined) this.#timers.delete(id);
  }

  /**
   * Moves time forward by `ms`, running every timer that falls due, in order of due time, each with
   * the clock set to its due time. Timers scheduled by those callbacks run too if they fall due.
   * A throwing callback is rethrown after the clock has reached its target.
   * @param ms - How far to move, a finite number >= 0.
   * @throws TypeError when `ms` is not a number, RangeError when it is negative, NaN or infinite.
   */
  advance(ms: number): void {
    if (typeof ms !== 'number') throw new TypeError(expected('ms', 'a finite number >= 0', ms));
    if (!(ms >= 0 && ms < Number.POSITIVE_INFINITY)) {
      throw new RangeError(expected('ms', 'a finite number >= 0', ms));
    }
    const target = this.#now + ms;
    let firstError: { error: unknown } | undefined;
    for (let timer = this.#nextDue(target); timer !== undefined; timer = this.#nextDue(target)) {
      this.#timers.delete(timer.id);
      this.#moveTo(timer.at);
      try {
        timer.callback();
      } catch (error) {
        firstError ??= { error };
      }
    }
    this.#moveTo(target);
    if (firstError !== undefined) throw firstError.error;
  }

  /** Timers scheduled and not yet run or cleared. */
  get pendingTimers(): number {
    return this.#timers.size;
  }

  /** Scheduled timers that would keep a Node process alive (not `unref()`ed). */
  get refedTimers(): number {
    let count = 0;
    for (const timer of this.#timers.values()) if (timer.refed) count++;
    return count;
  }

  #moveTo(time: number): void {
    if (time <= this.#now) return;
    this.#wallNow += time - this.#now;
    this.#now = time;
  }

  #nextDue(target: number): FakeTimer | undefined {
    let next: FakeTimer | undefined;
    for (const timer of this.#timers.values()) {
      if (timer.at <= target && (next === undefined || timer.at < next.at)) next = timer;
    }
    return next;
  }
}

/** A starting time: `fallback` when undefined, else a finite number of ms. */
function time(option: 'now' | 'wallNow', value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const form = option === 'now' ? 'a finite number of ms' : 'finite epoch ms';
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(expected(option, form, value));
  if (!Number.isFinite(value)) throw new RangeError(expected(option, form, value));
  return value;
}
