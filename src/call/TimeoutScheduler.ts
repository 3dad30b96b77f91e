import type { Clock } from '../clock/Clock.js';
import { perClock } from '../clock/perClock.js';

/**
 * @internal Something that can time out: a call or a permit, linked into its deadline bucket by
 * these fields (an interface, not a base class: a class with its own fields constructs faster).
 */
export interface Deadline {
  deadlinePrev: Deadline | undefined;
  deadlineNext: Deadline | undefined;
  deadlineBucket: DeadlineBucket | undefined;
  /** Runs once when the deadline passes (unless cancelled). Must not throw. */
  expire(): void;
}

/** A Node timer handle, which can stop keeping the process alive without leaving the timer list. */
interface RefHandle {
  ref(): unknown;
  unref(): unknown;
}

/** @internal The timeouts that fall due at one instant, sharing one timer. */
export class DeadlineBucket {
  /** One bucket kept alive for good, for the reason given in `Call`: its class survives a gc. */
  static readonly keepShape: DeadlineBucket = new DeadlineBucket(0);
  head: Deadline | undefined = undefined;
  handle: unknown = undefined;
  /** Set while the bucket is empty but its timer is kept, unref'd, for the next call. */
  idle: RefHandle | undefined = undefined;
  constructor(readonly at: number) {}
}

/**
 * @internal Call timeouts share timers: deadlines are rounded up to a bucket of max(10 ms, 1% of the
 * timeout), and each bucket has one timer. A timeout therefore fires no earlier than asked (a timer
 * that fires early is set again) and at most max(10 ms, 1%) later, plus event-loop delay; heavy
 * traffic with one timeout costs about 100 timers a second instead of one per call. The timers are
 * ordinary while a caller waits on them.
 *
 * When the last call of a bucket settles, its timer is released at once: `unref()`ed where the clock's
 * handles allow it (Node's and FakeClock's), so it no longer keeps the process alive, and `ref()`ed
 * again by a call landing in the same bucket, so back-to-back calls share one timer instead of
 * setting and clearing one each (Node's timer-list insert and removal were 90% of a call with a
 * timeout). An idle timer fires once at its deadline, finds nothing and is gone. Clocks whose handles
 * cannot be unref'd have the timer cleared instead.
 */
export class TimeoutScheduler {
  readonly #clock: Clock;
  readonly #buckets = new Map<number, DeadlineBucket>();
  /** The bucket used last: calls in a row mostly land in it, without a `Map` lookup. */
  #last: DeadlineBucket | undefined = undefined;
  /**
   * The handle of the last timer that fired, kept (a spent timer holds nothing): optimised code of
   * the timeout path depends weakly on the timer handles' hidden class, and when every handle of a
   * quiet process dies in a garbage collection that code would be thrown away.
   */
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: held, never read: it keeps the class alive
  #spent: unknown = undefined;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Buckets with a pending timer (idle, unref'd ones not counted). */
  get pending(): number {
    let count = 0;
    for (const bucket of this.#buckets.values()) if (bucket.idle === undefined) count++;
    return count;
  }

  /** @param now - The clock's current time, when the caller has just read it. */
  schedule(target: Deadline, timeout: number, now = this.#clock.now()): void {
    const grain = Math.max(10, timeout / 100);
    const at = Math.ceil((now + timeout) / grain) * grain;
    let bucket = this.#last;
    if (bucket === undefined || bucket.at !== at) bucket = this.#buckets.get(at);
    if (bucket === undefined) {
      const created = new DeadlineBucket(at);
      created.handle = this.#clock.setTimeout(() => this.#fire(created), at - now);
      this.#buckets.set(at, created);
      bucket = created;
    } else if (bucket.idle !== undefined) {
      bucket.idle.ref();
      bucket.idle = undefined;
    }
    this.#last = bucket;
    target.deadlineBucket = bucket;
    target.deadlinePrev = undefined;
    target.deadlineNext = bucket.head;
    if (bucket.head !== undefined) bucket.head.deadlinePrev = target;
    bucket.head = target;
  }

  cancel(target: Deadline): void {
    const bucket = target.deadlineBucket;
    if (bucket === undefined) return;
    const { deadlinePrev: prev, deadlineNext: next } = target;
    if (prev === undefined) bucket.head = next;
    else prev.deadlineNext = next;
    if (next !== undefined) next.deadlinePrev = prev;
    target.deadlineBucket = undefined;
    target.deadlinePrev = undefined;
    target.deadlineNext = undefined;
    if (bucket.head === undefined) {
      const handle = bucket.handle as Partial<RefHandle> | null | undefined;
      if (typeof handle?.unref === 'function' && typeof handle.ref === 'function') {
        handle.unref();
        bucket.idle = handle as RefHandle;
        return;
      }
      this.#clock.clearTimeout(bucket.handle);
      this.#forget(bucket);
    }
  }

  #forget(bucket: DeadlineBucket): void {
    this.#buckets.delete(bucket.at);
    if (this.#last === bucket) this.#last = undefined;
  }

  #fire(bucket: DeadlineBucket): void {
    try {
      const now = this.#clock.now();
      if (bucket.head !== undefined && now < bucket.at) {
        // Timers run on the event loop's clock, which can lag `clock.now()`: never expire early.
        bucket.handle = this.#clock.setTimeout(() => this.#fire(bucket), Math.ceil(bucket.at - now));
        return;
      }
    } catch {
      // A clock that cannot be read or cannot set a timer (user clocks are guarded, so this is a
      // last resort): expire now rather than leave the calls waiting, and never throw from a timer.
    }
    this.#forget(bucket);
    this.#spent = bucket.handle;
    let target = bucket.head;
    bucket.head = undefined;
    while (target !== undefined) {
      const next = target.deadlineNext;
      target.deadlineBucket = undefined;
      target.deadlinePrev = undefined;
      target.deadlineNext = undefined;
      try {
        target.expire();
      } catch {
        // expire() reports its own errors; nothing may escape a timer callback.
      }
      target = next;
    }
  }
}

/** @internal The scheduler shared by every breaker on one clock. */
export const schedulerFor: (clock: Clock) => TimeoutScheduler = perClock(
  (clock) => new TimeoutScheduler(clock),
);
