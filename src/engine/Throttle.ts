import type { ResolvedOptions, ThrottleOptions } from '../options.js';

/** Slices of the throttle's history: the oldest is forgotten whole. */
const SLICES = 12;
/**
 * A history with fewer requests refuses nothing. Requests are counted before their call and accepts
 * when it ends, so in a fresh history (a new breaker, or one that just closed again) the calls in
 * flight alone would make the probability positive: the second of two concurrent first calls
 * would be refused half the time.
 */
const MIN_REQUESTS = 20;

/**
 * @internal Client-side adaptive throttling (Google SRE book, "Handling Overload"): over the last
 * `duration`, `requests` is every call that reached the throttle while the breaker was closed (the
 * refused ones included: counted before the call, as go-zero learned in its #5011) and `accepts` the
 * ones the dependency served (successes, and errors that are not failures); a call is refused
 * locally with probability max(0, (requests − k·accepts) / (requests + 1)), capped at
 * `maxRejection`. Calls refused while open, half-open or by the bulkhead never reach it, and it is
 * cleared when the breaker closes again, so it forgets an outage instead of rejecting after it.
 * Counts sit in time slices, so recording is O(1). Created only for breakers that throttle.
 */
export class Throttle {
  readonly #k: number;
  readonly #maxRejection: number;
  readonly #sliceMs: number;
  readonly #random: () => number;
  /** Per slice: requests, accepts. */
  readonly #counts = new Float64Array(SLICES * 2);
  #newest = Number.NEGATIVE_INFINITY;
  #requests = 0;
  #accepts = 0;

  constructor(options: ResolvedOptions, throttle: Readonly<Required<ThrottleOptions>>) {
    this.#k = throttle.k;
    this.#maxRejection = throttle.maxRejection;
    this.#sliceMs = throttle.duration / SLICES;
    this.#random = options.random;
  }

  /** The probability that a call is refused now. */
  probability(now: number): number {
    this.#advance(now);
    return this.#probability();
  }

  /** Requests and accepts in the history now. */
  counts(now: number): { requests: number; accepts: number } {
    this.#advance(now);
    return { requests: this.#requests, accepts: this.#accepts };
  }

  /** A call reaches the throttle (closed): counts the request, and says whether to refuse it. */
  refuses(now: number): boolean {
    this.#advance(now);
    const p = this.#probability();
    this.#add(0);
    return p > 0 && this.#random() < p;
  }

  /** The dependency served a call. */
  accept(now: number): void {
    this.#advance(now);
    this.#add(1);
  }

  /** Forgets the history (the breaker closed again after an outage, or was reset). */
  clear(): void {
    this.#counts.fill(0);
    this.#requests = 0;
    this.#accepts = 0;
  }

  #probability(): number {
    if (this.#requests < MIN_REQUESTS) return 0;
    const p = (this.#requests - this.#k * this.#accepts) / (this.#requests + 1);
    return p <= 0 ? 0 : Math.min(this.#maxRejection, p);
  }

  /** Adds one request (0) or accept (1) to the newest slice. */
  #add(which: 0 | 1): void {
    const at = (((this.#newest % SLICES) + SLICES) % SLICES) * 2 + which;
    this.#counts[at]! += 1;
    if (which === 0) this.#requests++;
    else this.#accepts++;
  }

  #advance(now: number): void {
    const index = Math.floor(now / this.#sliceMs);
    const steps = index - this.#newest;
    if (steps <= 0) return;
    if (steps >= SLICES) {
      this.clear();
    } else {
      const counts = this.#counts;
      for (let i = 1; i <= steps; i++) {
        const at = ((((this.#newest + i) % SLICES) + SLICES) % SLICES) * 2;
        this.#requests -= counts[at]!;
        this.#accepts -= counts[at + 1]!;
        counts[at] = 0;
        counts[at + 1] = 0;
      }
    }
    this.#newest = index;
  }
}
