import type { CircuitBreaker } from '../../index.js';

/** Counts of one stretch of the demo. */
export interface Counts {
  passed: number;
  failed: number;
  timeouts: number;
  rejected: number;
  fallbacks: number;
  /** Story ms not spent waiting on the dead service (see {@link Tally}). */
  savedMs: number;
}

function zero(): Counts {
  return { passed: 0, failed: 0, timeouts: 0, rejected: 0, fallbacks: 0, savedMs: 0 };
}

/**
 * Counts what the breaker does, from its events, for the timeline (per tick) and the summary (total).
 *
 * Latency saved: each call refused fast would have cost what the last failed call cost (a 500 after
 * its delay, or the full timeout while the service hangs); that is the time it did not spend waiting.
 */
export class Tally {
  /** Since the start. */
  readonly total: Counts = zero();
  #tick: Counts = zero();
  #lastFailureMs = 0;
  readonly #unsubscribe: Array<() => void>;

  readonly #beforeEvent: () => void;

  /**
   * @param breaker - The breaker to listen to.
   * @param speed - The demo's speed factor: real ms × speed = story ms.
   * @param beforeEvent - Runs before each event is counted (so a tick that is over is printed first).
   */
  constructor(breaker: CircuitBreaker<unknown>, speed: number, beforeEvent: () => void = () => {}) {
    this.#beforeEvent = beforeEvent;
    this.#unsubscribe = [
      breaker.on('success', () => this.#add('passed', 1)),
      breaker.on('failure', ({ duration }) => {
        this.#lastFailureMs = duration * speed;
        this.#add('failed', 1);
      }),
      breaker.on('timeout', () => this.#add('timeouts', 1)),
      breaker.on('rejected', () => {
        this.#add('rejected', 1);
        this.total.savedMs += this.#lastFailureMs;
        this.#tick.savedMs += this.#lastFailureMs;
      }),
      breaker.on('fallback', () => this.#add('fallbacks', 1)),
    ];
  }

  /** @returns The counts since the previous call, and starts a new stretch. */
  takeTick(): Counts {
    const tick = this.#tick;
    this.#tick = zero();
    return tick;
  }

  /** Stops listening. */
  stop(): void {
    for (const unsubscribe of this.#unsubscribe) unsubscribe();
  }

  #add(key: keyof Counts, amount: number): void {
    this.#beforeEvent();
    this.total[key] += amount;
    this.#tick[key] += amount;
  }
}
