import { neverAborted } from './call/context.js';
import type { Deadline, DeadlineBucket } from './call/TimeoutScheduler.js';
import type { Engine } from './engine/Engine.js';
import { CircuitBreakerTimeoutError } from './errors/CircuitBreakerTimeoutError.js';

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

/** A permit's timeout, linked into the shared deadline buckets (only for permits with a timeout). */
class PermitDeadline implements Deadline {
  deadlinePrev: Deadline | undefined = undefined;
  deadlineNext: Deadline | undefined = undefined;
  deadlineBucket: DeadlineBucket | undefined = undefined;
  readonly controller = new AbortController();
  constructor(
    readonly permit: Permit,
    readonly timeout: number,
  ) {}
  expire(): void {
    expirePermit(this.permit);
  }
}

let create: (engine: Engine, generation: number, timeout: number | undefined) => Permit;
let expirePermit: (permit: Permit) => void;

/**
 * Permission to make one call, for code that cannot be wrapped in a function (streams, callbacks).
 * Report the outcome once with {@link Permit.success}, {@link Permit.failure} or {@link Permit.ignore};
 * later reports are no-ops. Made by `breaker.acquire()` and `breaker.tryAcquire()`.
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
export class Permit implements Disposable {
  readonly #engine: Engine;
  readonly #generation: number;
  readonly #start: number;
  readonly #deadline: PermitDeadline | undefined;
  #settled = false;

  static {
    create = (engine, generation, timeout) => new Permit(engine, generation, timeout);
    expirePermit = (permit) => permit.#expire();
  }

  private constructor(engine: Engine, generation: number, timeout: number | undefined) {
    this.#engine = engine;
    this.#generation = generation;
    if (timeout === undefined) {
      this.#start = engine.recorder.startTime();
      this.#deadline = undefined;
      return;
    }
    // With a timeout the permit is timed (one clock read, which its deadline needs anyway).
    this.#start = engine.clock.now();
    this.#deadline = new PermitDeadline(this, timeout);
    engine.scheduler().schedule(this.#deadline, timeout, this.#start);
  }

  /** Aborts when the permit's timeout elapses (never, without a timeout). */
  get signal(): AbortSignal {
    return this.#deadline?.controller.signal ?? neverAborted();
  }

  /** Whether an outcome was reported (or the timeout elapsed). */
  get settled(): boolean {
    return this.#settled;
  }

  /** The call succeeded. A `result`, when given, goes through `isResultFailure`. */
  success(...result: [unknown?]): void {
    if (this.#settle()) this.#engine.settleValue(this.#generation, this.#start, result[0]);
  }

  /**
   * The call failed. An `error`, when given, is classified (`isFailure`, `exclude`, `include`);
   * without one the failure always counts.
   */
  failure(...error: [unknown?]): void {
    if (!this.#settle()) return;
    if (error.length === 0) {
      this.#engine.settleFailure(this.#generation, this.#start, new UnsettledPermitError('permit.failure()'));
    } else {
      this.#engine.settleError(this.#generation, this.#start, error[0]);
    }
  }

  /** The outcome says nothing about the dependency's health (frees a half-open trial slot). */
  ignore(): void {
    if (this.#settle()) this.#engine.settleIgnored(this.#generation, undefined);
  }

  /** Records a failure if the permit was never settled. */
  [DISPOSE](): void {
    if (!this.#settle()) return;
    this.#engine.settleFailure(
      this.#generation,
      this.#start,
      new UnsettledPermitError('Permit disposed without success(), failure() or ignore()'),
    );
  }

  /** The timeout elapsed. */
  #expire(): void {
    const deadline = this.#deadline;
    if (this.#settled || deadline === undefined) return;
    this.#settled = true;
    const error = new CircuitBreakerTimeoutError(this.#engine.name, deadline.timeout);
    try {
      deadline.controller.abort(error);
    } catch (thrown) {
      this.#engine.reportError(thrown, "an 'abort' listener on a permit's signal threw");
    }
    this.#engine.settleTimeout(this.#generation, this.#start, error, deadline.timeout);
  }

  #settle(): boolean {
    if (this.#settled) return false;
    this.#settled = true;
    const deadline = this.#deadline;
    if (deadline?.deadlineBucket !== undefined) this.#engine.scheduler().cancel(deadline);
    return true;
  }
}

/** @internal Made by the breaker only (the constructor is private: nothing internal in the types). */
export function createPermit(engine: Engine, generation: number, timeout: number | undefined): Permit {
  return create(engine, generation, timeout);
}
