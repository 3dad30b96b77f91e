import { type Clock, setUnrefTimeout } from '../clock/Clock.js';
import { perClock } from '../clock/perClock.js';

/** How often the coarse time is read from the clock while time windows use it. */
export const COARSE_TICK_MS = 50;

/**
 * @internal The time, to within {@link COARSE_TICK_MS}, for time windows whose slices are long
 * (a second or more): a field read instead of a clock read per outcome, which on some machines
 * costs as much as the rest of a call. One per clock, shared by every breaker on it, with one
 * unref'd timer that runs only while something read the time since its last tick: when the reads
 * stop, it stops, and the next read takes the clock's time again. Never early or late by more than
 * one tick; a window slice of 1 s is then placed to within 5%.
 */
export class CoarseClock {
  readonly #clock: Clock;
  #now = 0;
  #running = false;
  #read = false;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  now(): number {
    if (!this.#running) {
      this.#now = this.#clock.now();
      this.#running = true;
      this.#schedule();
    }
    this.#read = true;
    return this.#now;
  }

  #schedule(): void {
    setUnrefTimeout(this.#clock, () => this.#tick(), COARSE_TICK_MS);
  }

  #tick(): void {
    if (!this.#read) {
      this.#running = false;
      return;
    }
    this.#read = false;
    try {
      this.#now = this.#clock.now();
      this.#schedule();
    } catch {
      // Nothing may escape a timer callback. User clocks are guarded and never throw; should one
      // anyway, the ticks stop and the next read takes the clock's time again.
      this.#running = false;
    }
  }
}

/** @internal The coarse clock of `clock`, shared by every breaker on it. */
export const coarseClockFor: (clock: Clock) => CoarseClock = perClock((clock) => new CoarseClock(clock));
