import type { Engine } from '../engine/Engine.js';
import { CircuitBreakerTimeoutError } from '../errors/CircuitBreakerTimeoutError.js';
import type { CallContext, Fallback, Protected } from '../options.js';
import { neverAborted } from './context.js';
import { capture, captured, follow, invoke, invoked, PROMISED, RETURNED, THREW } from './invoke.js';
import type { Deadline, DeadlineBucket } from './TimeoutScheduler.js';

/**
 * @internal Whether a fallback may replace `error`: one is set, the breaker is not disposed, and
 * `fallbackOn` (when given) accepts the error. A throwing `fallbackOn` is reported and declines.
 */
export function fallbackApplies(engine: Engine, fallback: unknown, error: unknown): boolean {
  if (fallback === undefined || engine.disposed) return false;
  const fallbackOn = engine.options.fallbackOn;
  if (fallbackOn === undefined) return true;
  try {
    return Boolean(fallbackOn(error));
  } catch (thrown) {
    engine.reportError(thrown, 'fallbackOn threw; not running the fallback');
    return false;
  }
}

const NOT_ABORTED: unique symbol = Symbol('not aborted');

/**
 * @internal One admitted call that needs more than the fast path: a timeout, a fallback or a caller's
 * signal. It is its own context: `signal` is created only when the function reads it. The call
 * settles once (so it frees its slot once); whatever the function does after a timeout or an abort
 * is ignored.
 */
export class Call<T> implements CallContext, Deadline {
  /**
   * One call kept alive for good. Optimised code that handles calls depends weakly on their hidden
   * class: when the last call of a quiet process dies in a garbage collection the class goes with
   * it, and that code is thrown away (the next calls measured 12-15x their steady cost). This
   * instance, made like a real call with a timeout, keeps the class alive; it is never run.
   */
  // biome-ignore lint/correctness/noUnusedPrivateClassMembers: held, never read: it keeps the class alive
  static #keepShape: unknown;
  static {
    Call.#keepShape = new Call<unknown>(
      { clock: { now: () => 0 } } as unknown as Engine,
      0,
      1000,
      undefined,
      undefined,
    );
  }

  deadlinePrev: Deadline | undefined = undefined;
  deadlineNext: Deadline | undefined = undefined;
  deadlineBucket: DeadlineBucket | undefined = undefined;
  readonly #engine: Engine;
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
    engine: Engine,
    generation: number,
    timeout: number | false,
    callerSignal: AbortSignal | undefined,
    fallback: Fallback<T> | undefined,
  ) {
    this.#engine = engine;
    this.#generation = generation;
    this.#timeout = timeout;
    this.#callerSignal = callerSignal;
    this.#fallback = fallback;
    // With a timeout every call is timed (one clock read, which its deadline needs anyway); without
    // one, the recorder's sample decides.
    this.#start = timeout === false ? engine.recorder.startTime() : engine.clock.now();
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
    if (this.#timeout !== false) this.#engine.scheduler().schedule(this, this.#timeout, this.#start);
    try {
      this.#callerSignal?.addEventListener('abort', this);
    } catch (error) {
      // A signal-like object that refuses a listener: the caller's mistake, not the dependency's.
      const reject = this.#reject;
      this.#finish();
      this.#engine.settleIgnored(this.#generation, error);
      reject(error);
      return promise;
    }
    const result = invoke(fn, this);
    const kind = invoked;
    if (kind === RETURNED) this.#onValue(result as T);
    else if (kind === THREW) this.#onError(result);
    else
      follow<T>(
        result,
        kind === PROMISED,
        (value) => this.#onValue(value),
        (error) => this.#onError(error),
      );
    return promise;
  }

  /** The caller's signal aborted: reject with its reason at once; the outcome is ignored. */
  handleEvent(): void {
    const reject = this.#reject;
    if (reject === undefined) return;
    this.#finish();
    let reason: unknown;
    try {
      reason = this.#callerSignal?.reason;
    } catch (error) {
      // A signal-like object whose `reason` throws: that is the reason (a listener must not throw).
      reason = error;
    }
    this.#abort(reason);
    this.#engine.settleIgnored(this.#generation, reason);
    reject(reason);
  }

  /** The timeout elapsed: abort the function's signal and fail the call. */
  expire(): void {
    const resolve = this.#resolve;
    const reject = this.#reject;
    if (resolve === undefined || reject === undefined) return;
    this.#finish();
    const timeout = this.#timeout as number;
    const error = new CircuitBreakerTimeoutError(this.#engine.name, timeout);
    this.#abort(error);
    this.#engine.settleTimeout(this.#generation, this.#start, error, timeout);
    this.#fallbackOr(error, resolve, reject);
  }

  #onValue(value: T): void {
    const resolve = this.#resolve;
    if (resolve === undefined) return;
    this.#finish();
    this.#engine.settleValue(this.#generation, this.#start, value);
    resolve(value);
  }

  #onError(error: unknown): void {
    const resolve = this.#resolve;
    const reject = this.#reject;
    if (resolve === undefined || reject === undefined) return;
    this.#finish();
    this.#engine.settleError(this.#generation, this.#start, error);
    this.#fallbackOr(error, resolve, reject);
  }

  #fallbackOr(
    error: unknown,
    resolve: (value: T | PromiseLike<T>) => void,
    reject: (error: unknown) => void,
  ): void {
    const fallback = this.#fallback;
    if (fallback === undefined || !fallbackApplies(this.#engine, fallback, error)) {
      reject(error);
      return;
    }
    this.#engine.noteFallback(error);
    try {
      resolve(fallback(error, this));
    } catch (thrown) {
      reject(thrown);
    }
  }

  #abort(reason: unknown): void {
    this.#abortReason = reason;
    try {
      this.#controller?.abort(reason);
    } catch (error) {
      // An `abort` listener of the function's own threw: it must not stop the call from settling.
      this.#engine.reportError(error, "an 'abort' listener on the call's signal threw");
    }
  }

  /** Settles once: releases the deadline and the abort listener (the engine frees the slot). */
  #finish(): void {
    this.#resolve = undefined;
    this.#reject = undefined;
    if (this.deadlineBucket !== undefined) this.#engine.scheduler().cancel(this);
    try {
      this.#callerSignal?.removeEventListener('abort', this);
    } catch {
      // A signal-like object whose removeEventListener throws: nothing to release.
    }
  }
}
