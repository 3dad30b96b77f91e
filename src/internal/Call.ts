import { CircuitBreakerTimeoutError } from '../errors/CircuitBreakerTimeoutError.js';
import type { CallContext, Fallback, Protected } from '../options.js';
import type { BreakerCore } from './BreakerCore.js';
import { neverAborted } from './context.js';
import { Deadline } from './TimeoutScheduler.js';

/**
 * @internal Whether a fallback may replace `error`: one is set, the breaker is not disposed, and
 * `fallbackOn` (when given) accepts the error. A throwing `fallbackOn` is reported and declines.
 */
export function fallbackApplies(core: BreakerCore, fallback: unknown, error: unknown): boolean {
  if (fallback === undefined || core.disposed) return false;
  const fallbackOn = core.options.fallbackOn;
  if (fallbackOn === undefined) return true;
  try {
    return Boolean(fallbackOn(error));
  } catch (thrown) {
    core.reportError(thrown, 'fallbackOn threw; not running the fallback');
    return false;
  }
}

/**
 * @internal One admitted call that needs more than the fast path: a timeout, a fallback or a caller's
 * signal. It is its own context: `signal` is created only when the function reads it. The call
 * settles once; whatever the function does after a timeout or an abort is ignored.
 */
export class Call<T> extends Deadline implements CallContext {
  readonly #core: BreakerCore;
  readonly #generation: number;
  readonly #start: number;
  readonly #timeout: number | false;
  readonly #callerSignal: AbortSignal | undefined;
  readonly #fallback: Fallback<T> | undefined;
  #signal: AbortSignal | undefined = undefined;
  #controller: AbortController | undefined = undefined;
  #abortReason: unknown = NOT_ABORTED;
  /** Both `undefined` once the call has settled. */
  #resolve: ((value: T | PromiseLike<T>) => void) | undefined = undefined;
  #reject: ((error: unknown) => void) | undefined = undefined;

  constructor(
    core: BreakerCore,
    generation: number,
    timeout: number | false,
    callerSignal: AbortSignal | undefined,
    fallback: Fallback<T> | undefined,
  ) {
    super();
    this.#core = core;
    this.#generation = generation;
    this.#timeout = timeout;
    this.#callerSignal = callerSignal;
    this.#fallback = fallback;
    this.#start = core.startTime();
  }

  get signal(): AbortSignal {
    if (this.#signal !== undefined) return this.#signal;
    if (this.#abortReason !== NOT_ABORTED) return (this.#signal = AbortSignal.abort(this.#abortReason));
    if (this.#timeout === false) return (this.#signal = this.#callerSignal ?? neverAborted());
    this.#controller = new AbortController();
    return (this.#signal = this.#controller.signal);
  }

  run(fn: Protected<T>): Promise<T> {
    const promise = new Promise<T>(capture);
    this.#resolve = captured.resolve as (value: T | PromiseLike<T>) => void;
    this.#reject = captured.reject;
    if (this.#timeout !== false) {
      const start = this.#start;
      this.#core
        .scheduler()
        .schedule(this, this.#timeout, Number.isNaN(start) ? this.#core.clock.now() : start);
    }
    this.#callerSignal?.addEventListener('abort', this);
    let result: T | PromiseLike<T>;
    try {
      result = fn(this);
    } catch (error) {
      this.#onError(error);
      return promise;
    }
    if (isThenable(result)) {
      (result instanceof Promise ? result : Promise.resolve(result)).then(
        (value: T) => this.#onValue(value),
        (error: unknown) => this.#onError(error),
      );
    } else {
      this.#onValue(result);
    }
    return promise;
  }

  /** The caller's signal aborted: reject with its reason at once; the outcome is ignored. */
  handleEvent(): void {
    const reject = this.#reject;
    if (reject === undefined) return;
    this.#finish();
    const reason = this.#callerSignal?.reason;
    this.#abort(reason);
    this.#core.settleIgnored(this.#generation, reason);
    reject(reason);
  }

  /** The timeout elapsed: abort the function's signal and fail the call. */
  expire(): void {
    const resolve = this.#resolve;
    const reject = this.#reject;
    if (resolve === undefined || reject === undefined) return;
    this.#finish();
    const timeout = this.#timeout as number;
    const error = new CircuitBreakerTimeoutError(this.#core.name, timeout);
    this.#abort(error);
    this.#core.settleTimeout(this.#generation, this.#start, error, timeout);
    this.#fallbackOr(error, resolve, reject);
  }

  #onValue(value: T): void {
    const resolve = this.#resolve;
    if (resolve === undefined) return;
    this.#finish();
    this.#core.settleValue(this.#generation, this.#start, value);
    resolve(value);
  }

  #onError(error: unknown): void {
    const resolve = this.#resolve;
    const reject = this.#reject;
    if (resolve === undefined || reject === undefined) return;
    this.#finish();
    this.#core.settleError(this.#generation, this.#start, error);
    this.#fallbackOr(error, resolve, reject);
  }

  #fallbackOr(
    error: unknown,
    resolve: (value: T | PromiseLike<T>) => void,
    reject: (error: unknown) => void,
  ): void {
    const fallback = this.#fallback;
    if (fallback === undefined || !fallbackApplies(this.#core, fallback, error)) {
      reject(error);
      return;
    }
    this.#core.noteFallback(error);
    try {
      resolve(fallback(error, this));
    } catch (thrown) {
      reject(thrown);
    }
  }

  #abort(reason: unknown): void {
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  /** Settles once: frees the concurrency slot, the deadline and the abort listener. */
  #finish(): void {
    this.#resolve = undefined;
    this.#reject = undefined;
    this.#core.inFlight--;
    if (this.deadlineBucket !== undefined) this.#core.scheduler().cancel(this);
    this.#callerSignal?.removeEventListener('abort', this);
  }
}

const NOT_ABORTED: unique symbol = Symbol('not aborted');

/**
 * The resolving functions of the promise being built: one shared executor stores them here, so that
 * a call allocates no executor closure of its own. Read right after `new Promise(capture)`.
 */
const captured: { resolve: (value: unknown) => void; reject: (error: unknown) => void } = {
  resolve: () => {},
  reject: () => {},
};

function capture(resolve: (value: never) => void, reject: (error: unknown) => void): void {
  captured.resolve = resolve as (value: unknown) => void;
  captured.reject = reject;
}

/** @internal */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
