import { type Clock, systemClock } from '../clock/Clock.js';
import { closestName } from '../options/closestName.js';
import { expected } from '../options/describe.js';

/** Slices of a budget's window: the oldest is forgotten whole. */
const SLICES = 10;

/** Options of a {@link RetryBudget}. */
export interface RetryBudgetOptions {
  /**
   * Retries may add at most this share of the calls made through the budget over `duration`
   * (0.1: at most 10% more load), a number >= 0. @default 0.1
   */
  ratio?: number;
  /** Ms over which calls and retries are counted, > 0. @default 10_000 */
  duration?: number;
  /**
   * Retries allowed per second whatever the traffic, so that a quiet service can still retry, a
   * number >= 0 (a reserve of `minPerSecond × duration / 1000` retries over the window). @default 10
   */
  minPerSecond?: number;
  /** Time source (only `now()` is used). @default the system clock */
  clock?: Pick<Clock, 'now'>;
}

/** What a {@link RetryBudget} has counted (`budget.metrics()`). */
export interface RetryBudgetMetrics {
  /** Calls made through the budget since it was created (first attempts; retries are not calls). */
  readonly calls: number;
  /** Retries it allowed since it was created. */
  readonly retries: number;
  /** Retries it refused since it was created (each ended its call with the last error or value). */
  readonly refused: number;
  /** Calls counted in the window now (the last `duration`). */
  readonly windowCalls: number;
  /** Retries allowed in the window now. */
  readonly windowRetries: number;
  /** Retries it would allow now: `ratio × windowCalls + minPerSecond × duration / 1000 − windowRetries`. */
  readonly available: number;
}

const KNOWN = ['ratio', 'duration', 'minPerSecond', 'clock'];

/**
 * A retry budget (Finagle, gRPC retry throttling, Envoy): retries may add at most `ratio` of the
 * calls made through the same budget over the last `duration`, plus `minPerSecond`. Share one budget
 * between every `retry()` that calls the same dependency (`retry(fn, { budget })`), so that a
 * brown-out cannot triple its own load through retries: once the budget is spent, a failed attempt
 * ends its call with the last error (or value) instead of retrying, and the refusal is counted.
 *
 * Counts sit in 10 slices of the window: O(1) time per call and retry, a fixed 200 bytes or so of
 * memory, no timer.
 *
 * @example
 * ```ts
 * const budget = new RetryBudget({ ratio: 0.1 }); // one per dependency, shared
 * const user = await retry(({ signal }) => fetchUser(id, { signal }), { budget, breaker: usersApi });
 * budget.metrics(); // { calls: 1200, retries: 131, refused: 27, windowCalls: 1200, windowRetries: 131, available: 0 }
 * ```
 */
export class RetryBudget {
  readonly #ratio: number;
  readonly #reserve: number;
  readonly #sliceMs: number;
  readonly #clock: Pick<Clock, 'now'>;
  /** Per slice: calls, retries. */
  readonly #counts = new Float64Array(SLICES * 2);
  #newest = Number.NEGATIVE_INFINITY;
  #windowCalls = 0;
  #windowRetries = 0;
  #calls = 0;
  #retries = 0;
  #refused = 0;

  /**
   * @param options - See {@link RetryBudgetOptions}; every field is optional.
   * @throws TypeError for an option of the wrong type or an unknown option, RangeError for a value out
   * of range; the message names the option, the expected form and the value received.
   */
  constructor(options: RetryBudgetOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(expected('options', 'an object', options));
    }
    for (const key of Object.keys(options)) {
      if (KNOWN.includes(key)) continue;
      const near = closestName(key, KNOWN);
      throw new TypeError(
        `Unknown retry budget option \`${key}\`; ${near === undefined ? `the options are ${KNOWN.join(', ')}` : `did you mean \`${near}\`?`}`,
      );
    }
    const { ratio = 0.1, duration = 10_000, minPerSecond = 10, clock = systemClock } = options;
    this.#ratio = finite('ratio', ratio, 'a number >= 0', (n) => n >= 0);
    const ms = finite('duration', duration, 'a duration in ms > 0', (n) => n > 0);
    this.#reserve = finite('minPerSecond', minPerSecond, 'a number >= 0', (n) => n >= 0) * (ms / 1000);
    this.#sliceMs = ms / SLICES;
    if (typeof clock !== 'object' || clock === null || typeof clock.now !== 'function') {
      throw new TypeError(expected('clock', 'an object with now()', clock));
    }
    this.#clock = clock;
  }

  /** Counts one call made through the budget (its first attempt; `retry()` does it for you). */
  recordCall(): void {
    this.#advance();
    this.#counts[this.#slot()]! += 1;
    this.#windowCalls++;
    this.#calls++;
  }

  /**
   * Asks to retry once: counts the retry and returns `true` while the budget allows one, else counts
   * a refusal and returns `false` (`retry()` does it for you before each retry).
   * @returns Whether the retry may be made.
   */
  tryRetry(): boolean {
    this.#advance();
    if (this.#available() < 1) {
      this.#refused++;
      return false;
    }
    this.#counts[this.#slot() + 1]! += 1;
    this.#windowRetries++;
    this.#retries++;
    return true;
  }

  /** What the budget has counted; see {@link RetryBudgetMetrics}. */
  metrics(): RetryBudgetMetrics {
    this.#advance();
    return {
      calls: this.#calls,
      retries: this.#retries,
      refused: this.#refused,
      windowCalls: this.#windowCalls,
      windowRetries: this.#windowRetries,
      available: Math.max(0, Math.floor(this.#available())),
    };
  }

  #available(): number {
    return this.#ratio * this.#windowCalls + this.#reserve - this.#windowRetries;
  }

  /** The index of the newest slice's calls (its retries follow). */
  #slot(): number {
    return (((this.#newest % SLICES) + SLICES) % SLICES) * 2;
  }

  /** Forgets the slices that left the window. */
  #advance(): void {
    let index: number;
    try {
      index = Math.floor(this.#clock.now() / this.#sliceMs);
    } catch {
      index = Number.NaN;
    }
    // A clock that went back keeps the newest slice; one that throws or reads NaN or ±Infinity too.
    if (!Number.isFinite(index)) {
      if (this.#newest === Number.NEGATIVE_INFINITY) this.#newest = 0;
      return;
    }
    if (!(index > this.#newest)) return;
    const counts = this.#counts;
    if (index - this.#newest >= SLICES) {
      counts.fill(0);
      this.#windowCalls = 0;
      this.#windowRetries = 0;
    } else {
      for (let i = this.#newest + 1; i <= index; i++) {
        const at = (((i % SLICES) + SLICES) % SLICES) * 2;
        this.#windowCalls -= counts[at]!;
        this.#windowRetries -= counts[at + 1]!;
        counts[at] = 0;
        counts[at + 1] = 0;
      }
    }
    this.#newest = index;
  }
}

function finite(option: string, value: unknown, form: string, valid: (n: number) => boolean): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(expected(option, form, value));
  if (!(valid(value) && value < Number.POSITIVE_INFINITY))
    throw new RangeError(expected(option, form, value));
  return value;
}
