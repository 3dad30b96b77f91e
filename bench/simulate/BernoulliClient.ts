import { CircuitBreaker, type CircuitBreakerOptions, FakeClock } from '../../src/index.js';
import { Random } from './Random.js';

/** The failure a permit reports, built once. */
const FAILURE = new Error('simulated failure');

/**
 * A breaker with a learned failure-rate threshold, driven through its public API by a dependency
 * whose calls fail independently at a rate the caller sets call by call (Bernoulli outcomes): no
 * latency, no queue, only the rule's statistics. Time is a `FakeClock` that never moves (a count
 * window does not need it); the failures are drawn from a seeded generator.
 */
export class BernoulliClient {
  readonly breaker: CircuitBreaker;
  readonly #random: Random;
  /** Openings so far. */
  opens = 0;

  /**
   * @param seed - The seed of the outcomes' draws.
   * @param options - Breaker options over `failureRateThreshold: { adaptive: true }`.
   */
  constructor(seed: number, options: Readonly<CircuitBreakerOptions> = {}) {
    this.#random = new Random(seed);
    this.breaker = new CircuitBreaker({
      failureRateThreshold: { adaptive: true },
      latencySampling: 0,
      ...options,
      clock: new FakeClock(),
    });
    this.breaker.on('open', () => {
      this.opens++;
    });
  }

  /**
   * One call through a permit, failing with probability `failureRate`.
   * @param failureRate - The dependency's failure rate for this call, in [0, 1].
   * @returns `true` when the breaker opened on this call's outcome.
   * @throws {Error} When the breaker refuses the call (it is open: reset it after an opening).
   */
  call(failureRate: number): boolean {
    const permit = this.breaker.tryAcquire();
    if (permit === undefined) throw new Error(`Expected a closed breaker, got \`${this.breaker.state}\``);
    const opens = this.opens;
    if (this.#random.next() < failureRate) permit.failure(FAILURE);
    else permit.success();
    return this.opens !== opens;
  }

  /**
   * Calls at a constant rate; each opening is counted and the breaker reset (which keeps what it
   * learned), as an operator would after a false open.
   * @param failureRate - The dependency's failure rate.
   * @param calls - How many calls.
   * @returns The openings among them.
   */
  run(failureRate: number, calls: number): number {
    const before = this.opens;
    for (let i = 0; i < calls; i++) if (this.call(failureRate)) this.breaker.reset();
    return this.opens - before;
  }

  /**
   * Calls at `failureRate` until the breaker opens.
   * @param failureRate - The raised failure rate.
   * @param limit - Calls after which to give up.
   * @returns The calls it took, the one that opened it included; `Infinity` when it did not open
   * within `limit`.
   */
  untilOpen(failureRate: number, limit: number): number {
    for (let i = 1; i <= limit; i++) if (this.call(failureRate)) return i;
    return Number.POSITIVE_INFINITY;
  }
}
