import { type Clock, setUnrefTimeout } from '../clock/Clock.js';
import { MAX_TIMER_MS } from '../options/validate.js';

/**
 * @internal The one timer a breaker keeps for itself while something observes it: at the end of the
 * open period or the half-open timeout, so that transitions, events and log lines come on time. It is
 * `unref()`ed (an open breaker never keeps a process alive) and created only for breakers that need it.
 *
 * Timers run on the event loop's clock, which can lag `clock.now()`: `onDeadline` must check what is
 * due and set the timer again if nothing was.
 */
export class DeadlineTimer {
  readonly #clock: Clock;
  readonly #owner: { onDeadline(): void };
  #handle: unknown = undefined;

  /** @param owner - Told when the deadline passes (passed itself: no closure per breaker). */
  constructor(clock: Clock, owner: { onDeadline(): void }) {
    this.#clock = clock;
    this.#owner = owner;
  }

  /** Whether a timer is pending. */
  get armed(): boolean {
    return this.#handle !== undefined;
  }

  /** Replaces any pending timer with one at monotonic time `at`. */
  set(at: number): void {
    this.clear();
    // A deadline beyond the longest timer fires early, finds nothing due and is set again.
    const delay = Math.min(MAX_TIMER_MS, Math.max(0, Math.ceil(at - this.#clock.now())));
    this.#handle = setUnrefTimeout(this.#clock, () => this.#fire(), delay);
  }

  clear(): void {
    if (this.#handle === undefined) return;
    this.#clock.clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  #fire(): void {
    this.#handle = undefined;
    try {
      this.#owner.onDeadline();
    } catch {
      // onDeadline reports its own failures; nothing may escape a timer callback (it would crash
      // the process).
    }
  }
}
