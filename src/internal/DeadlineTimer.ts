import { type Clock, setUnrefTimeout } from '../clock/Clock.js';

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
  readonly #onDeadline: () => void;
  #handle: unknown = undefined;

  constructor(clock: Clock, onDeadline: () => void) {
    this.#clock = clock;
    this.#onDeadline = onDeadline;
  }

  /** Whether a timer is pending. */
  get armed(): boolean {
    return this.#handle !== undefined;
  }

  /** Replaces any pending timer with one at monotonic time `at`. */
  set(at: number): void {
    this.clear();
    const delay = Math.max(0, Math.ceil(at - this.#clock.now()));
    this.#handle = setUnrefTimeout(this.#clock, () => this.#fire(), delay);
  }

  clear(): void {
    if (this.#handle === undefined) return;
    this.#clock.clearTimeout(this.#handle);
    this.#handle = undefined;
  }

  #fire(): void {
    this.#handle = undefined;
    this.#onDeadline();
  }
}
