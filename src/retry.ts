import { neverAborted } from './call/context.js';
import type { Clock } from './clock/Clock.js';
import { isCircuitBreakerOpenError } from './errors/CircuitBreakerOpenError.js';
import { isCircuitBreakerThrottledError } from './errors/CircuitBreakerThrottledError.js';
import { expected } from './options/describe.js';
import { retryAfterOf } from './retry/retryAfter.js';
import { type ResolvedRetryOptions, type RetryOptions, resolveRetryOptions } from './retry/retryOptions.js';

export type { RetryOptions } from './retry/retryOptions.js';

/** What each attempt of {@link retry} receives. */
export interface RetryContext {
  /** 1 for the first call, 2 for the first retry, … */
  readonly attempt: number;
  /** Aborts when `options.signal` aborts (and, through a breaker, on the breaker's timeout). */
  readonly signal: AbortSignal;
}

/**
 * Calls `fn` until it succeeds, waiting with exponential backoff between attempts: `delay`,
 * `delay × multiplier`, … capped at `maxDelay`, with full jitter by default. A failed attempt's
 * `Retry-After` (a numeric `retryAfter` in ms on the error or result, or the header of a `Response`,
 * in seconds or as an HTTP date) sets that wait instead, capped at `maxDelay`. Through `breaker`
 * when given: a `CircuitBreakerOpenError` is never retried (fail fast means fail fast). Put the
 * breaker inside the retries, as here, so that each attempt counts and an open breaker stops them.
 * With a shared `budget`, retries stop once they would add more than its share of the load.
 *
 * @param fn - Receives `{ attempt, signal }`; sync or async.
 * @param options - See {@link RetryOptions}.
 * @returns What `fn` returns on the first success; with `retryOnResult`, the first value it does not
 * mark, or the last value when the attempts run out or the budget refuses a retry.
 * @throws (rejects) The last error when the attempts run out, `retryOn` declines or the budget
 * refuses a retry; the signal's reason when it aborts; a `CircuitBreakerOpenError` at once;
 * TypeError or RangeError for invalid options.
 * @example
 * ```ts
 * const budget = new RetryBudget(); // shared by every retry() of this dependency
 * const response = await retry(({ signal }) => fetch(url, { signal }), {
 *   maxAttempts: 4,
 *   breaker: usersApi,
 *   budget,
 *   retryOnResult: (res) => res.status === 503, // waits what its Retry-After says, up to maxDelay
 *   onRetry: (error, attempt, delay) => log.warn({ attempt, delay }, 'retrying'),
 * });
 * ```
 */
export async function retry<T>(
  fn: (ctx: RetryContext) => T | PromiseLike<T>,
  options: RetryOptions<T> = {},
): Promise<T> {
  if (typeof fn !== 'function') throw new TypeError(expected('fn', 'a function', fn));
  const o = resolveRetryOptions(options);
  const { signal, budget } = o;
  let wait = o.delay;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw signal.reason;
    if (attempt === 1) budget?.recordCall();
    /** The last error, or the last value `retryOnResult` marked. */
    let last: { readonly failed: boolean; readonly outcome: unknown };
    try {
      const value = await attemptOnce(fn, attempt, o);
      if (attempt >= o.maxAttempts || o.retryOnResult === undefined || !o.retryOnResult(value)) {
        return value;
      }
      last = { failed: false, outcome: value };
    } catch (error) {
      if (signal?.aborted) throw signal.reason;
      // Fail fast means fail fast: an open circuit and a throttled call are never retried.
      if (
        attempt >= o.maxAttempts ||
        isCircuitBreakerOpenError(error) ||
        isCircuitBreakerThrottledError(error)
      )
        throw error;
      if (o.retryOn !== undefined && !o.retryOn(error, attempt)) throw error;
      last = { failed: true, outcome: error };
    }
    if (budget !== undefined && !budget.tryRetry()) {
      if (last.failed) throw last.outcome;
      return last.outcome as T;
    }
    const asked = retryAfterOf(last.outcome, () => o.clock.wallNow?.() ?? Date.now());
    const ms =
      asked !== undefined ? Math.min(o.maxDelay, asked) : o.jitter === 'full' ? Math.random() * wait : wait;
    notify(o, last.outcome, attempt, ms);
    await sleep(o.clock, ms, signal);
    wait = Math.min(o.maxDelay, wait * o.multiplier);
  }
}

/** One attempt: through the breaker when there is one, else `fn` itself until the signal aborts. */
function attemptOnce<T>(
  fn: (ctx: RetryContext) => T | PromiseLike<T>,
  attempt: number,
  o: ResolvedRetryOptions<T>,
): Promise<T> {
  const { signal, breaker } = o;
  if (breaker === undefined) return untilAborted(fn({ attempt, signal: signal ?? neverAborted() }), signal);
  return breaker.call(
    (ctx) =>
      fn({
        attempt,
        get signal() {
          return ctx.signal;
        },
      }),
    signal === undefined ? undefined : { signal },
  );
}

/** Calls `onRetry`; like a listener's, what it throws (or rejects with) is ignored. */
function notify<T>(o: ResolvedRetryOptions<T>, outcome: unknown, attempt: number, delay: number): void {
  const onRetry = o.onRetry;
  if (onRetry === undefined) return;
  try {
    const returned: unknown = onRetry(outcome, attempt, delay);
    if (returned instanceof Promise) returned.catch(() => {});
  } catch {
    // A hook that throws must not change the outcome of the call it watches.
  }
}

/** Settles like `promise`, or rejects with the signal's reason as soon as it aborts. */
function untilAborted<T>(result: T | PromiseLike<T>, signal: AbortSignal | undefined): Promise<T> {
  const promise = Promise.resolve(result);
  if (signal === undefined) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = (): void => reject(signal.reason);
    signal.addEventListener('abort', onAbort, { once: true });
    promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** Waits `ms` on `clock` (an ordinary timer: the caller is waiting); an abort ends the wait at once. */
function sleep(clock: Clock, ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason);
      return;
    }
    const onAbort = (): void => {
      clock.clearTimeout(handle);
      reject(signal?.reason);
    };
    const handle = clock.setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
