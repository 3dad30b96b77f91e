import { CircuitBreakerTimeoutError } from '../errors/CircuitBreakerTimeoutError.js';
import type { CallContext, Fallback, Protected } from '../options.js';
import type { BreakerCore } from './BreakerCore.js';
import { neverAborted } from './context.js';
import { Deadline, schedulerFor } from './TimeoutScheduler.js';

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
  #abortReason: unknown = undefined;
  #aborted = false;
  #settled = false;
  #resolve: (value: T | PromiseLike<T>) => void = noop;
  #reject: (error: unknown) => void = noop;

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
    if (this.#aborted) return (this.#signal = AbortSignal.abort(this.#abortReason));
    if (this.#timeout === false) return (this.#signal = this.#callerSignal ?? neverAborted());
    this.#controller = new AbortController();
    return (this.#signal = this.#controller.signal);
  }

  run(fn: Protected<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.#resolve = resolve;
      this.#reject = reject;
      if (this.#timeout !== false) {
        const start = this.#start;
        const scheduler = schedulerFor(this.#core.clock);
        if (Number.isNaN(start)) scheduler.schedule(this, this.#timeout);
        else scheduler.schedule(this, this.#timeout, start);
      }
      this.#callerSignal?.addEventListener('abort', this);
      let result: T | PromiseLike<T>;
      try {
        result = fn(this);
      } catch (error) {
        this.#onError(error);
        return;
      }
      if (isThenable(result)) {
        Promise.resolve(result).then(
          (value) => this.#onValue(value),
          (error: unknown) => this.#onError(error),
        );
      } else {
        this.#onValue(result);
      }
    });
  }

  /** The caller's signal aborted: reject with its reason at once; the outcome is ignored. */
  handleEvent(): void {
    if (this.#settled) return;
    this.#finish();
    const reason = this.#callerSignal?.reason;
    this.#abort(reason);
    this.#core.settleIgnored(this.#generation, reason);
    this.#reject(reason);
  }

  /** The timeout elapsed: abort the function's signal and fail the call. */
  expire(): void {
    if (this.#settled) return;
    this.#finish();
    const timeout = this.#timeout as number;
    const error = new CircuitBreakerTimeoutError(this.#core.name, timeout);
    this.#abort(error);
    this.#core.settleTimeout(this.#generation, this.#start, error, timeout);
    this.#fallbackOr(error);
  }

  #onValue(value: T): void {
    if (this.#settled) return;
    this.#finish();
    this.#core.settleValue(this.#generation, this.#start, value);
    this.#resolve(value);
  }

  #onError(error: unknown): void {
    if (this.#settled) return;
    this.#finish();
    this.#core.settleError(this.#generation, this.#start, error);
    this.#fallbackOr(error);
  }

  #fallbackOr(error: unknown): void {
    const fallback = this.#fallback;
    if (fallback === undefined || !fallbackApplies(this.#core, fallback, error)) {
      this.#reject(error);
      return;
    }
    this.#core.noteFallback(error);
    try {
      this.#resolve(fallback(error, this));
    } catch (thrown) {
      this.#reject(thrown);
    }
  }

  #abort(reason: unknown): void {
    this.#aborted = true;
    this.#abortReason = reason;
    this.#controller?.abort(reason);
  }

  #finish(): void {
    this.#settled = true;
    this.#core.inFlight--;
    if (this.deadlineBucket !== undefined) schedulerFor(this.#core.clock).cancel(this);
    this.#callerSignal?.removeEventListener('abort', this);
  }
}

function noop(): void {}

/** @internal */
export function isThenable(value: unknown): value is PromiseLike<unknown> {
  return (
    value !== null &&
    (typeof value === 'object' || typeof value === 'function') &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}
