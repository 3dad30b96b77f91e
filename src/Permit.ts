import { CircuitBreakerTimeoutError } from './errors/CircuitBreakerTimeoutError.js';
import type { BreakerCore } from './internal/BreakerCore.js';
import { neverAborted } from './internal/context.js';
import { Deadline } from './internal/TimeoutScheduler.js';

/** Options of `breaker.acquire()` and `breaker.tryAcquire()`. */
export interface PermitOptions {
  /** Ms before the permit's `signal` aborts and a timeout failure is recorded. @default none */
  timeout?: number;
}

const DISPOSE: typeof Symbol.dispose =
  Symbol.dispose ?? (Symbol.for('Symbol.dispose') as typeof Symbol.dispose);

/** An unsettled permit disposed at the end of a `using` block. */
class UnsettledPermitError extends Error {
  override readonly name = 'UnsettledPermitError';
}

/**
 * Permission to make one call, for code that cannot be wrapped in a function (streams, callbacks).
 * Report the outcome once with {@link Permit.success}, {@link Permit.failure} or {@link Permit.ignore};
 * later reports are no-ops.
 *
 * A permit is `Disposable`: disposing one that was never settled records a failure, because the
 * block either threw or forgot to report. End a `using` block with `permit.success()`.
 *
 * @example
 * ```ts
 * using permit = breaker.acquire({ timeout: 5_000 });
 * const stream = openStream({ signal: permit.signal });
 * stream.on('end', () => permit.success());
 * stream.on('error', (error) => permit.failure(error));
 * ```
 */
export class Permit extends Deadline implements Disposable {
  readonly #core: BreakerCore;
  readonly #generation: number;
  readonly #start: number;
  readonly #timeout: number | undefined;
  #controller: AbortController | undefined = undefined;
  #settled = false;

  /** @internal Created by the breaker only. */
  constructor(core: BreakerCore, generation: number, timeout: number | undefined) {
    super();
    this.#core = core;
    this.#generation = generation;
    this.#start = core.startTime();
    this.#timeout = timeout;
    if (timeout !== undefined) {
      this.#controller = new AbortController();
      core.scheduler().schedule(this, timeout);
    }
  }

  /** Aborts when the permit's timeout elapses (never, without a timeout). */
  get signal(): AbortSignal {
    return this.#controller?.signal ?? neverAborted();
  }

  /** Whether an outcome was reported (or the timeout elapsed). */
  get settled(): boolean {
    return this.#settled;
  }

  /** The call succeeded. A `result`, when given, goes through `isResultFailure`. */
  success(...result: [unknown?]): void {
    if (!this.#settle()) return;
    if (result.length === 0) this.#core.settleValue(this.#generation, this.#start, undefined);
    else this.#core.settleValue(this.#generation, this.#start, result[0]);
  }

  /**
   * The call failed. An `error`, when given, is classified (`isFailure`, `exclude`, `include`);
   * without one the failure always counts.
   */
  failure(...error: [unknown?]): void {
    if (!this.#settle()) return;
    if (error.length === 0)
      this.#core.settleFailure(this.#generation, this.#start, new UnsettledPermitError('permit.failure()'));
    else this.#core.settleError(this.#generation, this.#start, error[0]);
  }

  /** The outcome says nothing about the dependency's health (frees a half-open trial slot). */
  ignore(): void {
    if (this.#settle()) this.#core.settleIgnored(this.#generation, undefined);
  }

  /** Records a failure if the permit was never settled. */
  [DISPOSE](): void {
    if (!this.#settle()) return;
    this.#core.settleFailure(
      this.#generation,
      this.#start,
      new UnsettledPermitError('Permit disposed without success(), failure() or ignore()'),
    );
  }

  /** @internal The timeout elapsed. */
  expire(): void {
    if (this.#settled) return;
    this.#settled = true;
    this.#core.inFlight--;
    const timeout = this.#timeout as number;
    const error = new CircuitBreakerTimeoutError(this.#core.name, timeout);
    this.#controller?.abort(error);
    this.#core.settleTimeout(this.#generation, this.#start, error, timeout);
  }

  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    this.#core.inFlight--;
    if (this.deadlineBucket !== undefined) this.#core.scheduler().cancel(this);
    return true;
  }
}
