import { Uncached } from '../cache/Uncached.js';
import { FAST_CONTEXT } from '../call/context.js';
import { adopt, invoke, invoked, RETURNED, THREW } from '../call/invoke.js';
import type { Clock } from '../clock/Clock.js';
import { CircuitBreakerTimeoutError } from '../errors/CircuitBreakerTimeoutError.js';

/** @internal What a {@link Firing} tells its breaker. */
export interface FiringHost {
  readonly name: string;
  readonly clock: Clock;
  now(): number;
  /** opossum's `errorFilter`: true makes an error a success. */
  filters(error: unknown, args: readonly unknown[]): boolean;
  succeeded(value: unknown, latency: number): void;
  failed(error: unknown, latency: number, args: readonly unknown[]): void;
}

/**
 * @internal One `fire()` of an opossum breaker: runs the action inside the breakwater call and
 * reports its outcome the way opossum does (`success` with the latency, `failure` with the latency
 * and the arguments) before the breaker counts it, so listeners see them in opossum's order. An
 * error `errorFilter` accepts resolves as {@link Uncached}: a success for the breaker, never cached;
 * the breaker hands the error back to its caller.
 */
export class Firing {
  /** The action was called (a cache hit or a joined call never calls it). */
  ran = false;
  /** The action settled before the call timed out (its outcome was reported). */
  settled = false;
  /** The call timed out; the action's late outcome is not reported. */
  timedOut = false;
  /** The timeout's events were emitted. */
  timeoutReported = false;
  /** The action's value reached the breaker as a success. */
  succeeded = false;
  #start = Number.NaN;
  readonly #host: FiringHost;
  readonly #action: (...args: unknown[]) => unknown;
  readonly #context: unknown;
  readonly args: readonly unknown[];
  /**
   * A timeout the firing keeps itself (during warm-up: the breaker's own timeout would count as a
   * failure, and opossum's warm-up lets timeouts pass too); 0 for none.
   */
  readonly #deadline: number;

  constructor(
    host: FiringHost,
    action: (...args: unknown[]) => unknown,
    context: unknown,
    args: unknown[],
    deadline = 0,
  ) {
    this.#host = host;
    this.#action = action;
    this.#context = context;
    this.args = args;
    this.#deadline = deadline;
  }

  /** Ms since the action was called. */
  latency(): number {
    return this.#host.now() - this.#start;
  }

  /** The action with its `this` and arguments. */
  readonly #apply = (): unknown => this.#action.apply(this.#context, this.args as unknown[]);

  /** The protected function given to the breakwater breaker. */
  readonly run = (): unknown => {
    this.ran = true;
    this.#start = this.#host.now();
    // Run like every protected function (call/invoke.ts): a result that cannot be inspected, or a
    // promise whose `then` throws, is an outcome here, never a throw.
    const result = invoke(this.#apply, FAST_CONTEXT);
    const kind = invoked;
    if (kind === RETURNED) return this.#value(result);
    if (kind === THREW) return this.#error(result);
    const settled = adopt(result).then(
      (value) => this.#value(value),
      (error: unknown) => this.#error(error),
    );
    return this.#deadline > 0 ? this.#race(settled) : settled;
  };

  /** `settled`, or a `CircuitBreakerTimeoutError` after the firing's own deadline. */
  #race(settled: Promise<unknown>): Promise<unknown> {
    const { clock, name } = this.#host;
    const deadline = this.#deadline;
    return new Promise((resolve, reject) => {
      const timer = clock.setTimeout(() => {
        this.timedOut = true;
        reject(new CircuitBreakerTimeoutError(name, deadline));
      }, deadline);
      settled.then(
        (value) => {
          clock.clearTimeout(timer);
          resolve(value);
        },
        (error: unknown) => {
          clock.clearTimeout(timer);
          reject(error);
        },
      );
    });
  }

  #value(value: unknown): unknown {
    if (this.timedOut) return value;
    this.settled = true;
    this.succeeded = true;
    this.#host.succeeded(value, this.latency());
    return value;
  }

  #error(error: unknown): unknown {
    if (this.timedOut) throw error;
    this.settled = true;
    const host = this.#host;
    if (host.filters(error, this.args)) {
      host.succeeded(error, this.latency());
      return new Uncached(error);
    }
    host.failed(error, this.latency(), this.args);
    throw error;
  }
}
