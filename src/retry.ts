import type { CircuitBreaker } from './CircuitBreaker.js';
import { neverAborted } from './call/context.js';
import { type Clock, systemClock } from './clock/Clock.js';
import { isCircuitBreakerOpenError } from './errors/CircuitBreakerOpenError.js';
import { isCircuitBreakerThrottledError } from './errors/CircuitBreakerThrottledError.js';
import { closestName } from './options/closestName.js';
import { expected } from './options/describe.js';
import { duration } from './options/validate.js';

/** What each attempt of {@link retry} receives. */
export interface RetryContext {
  /** 1 for the first call, 2 for the first retry, … */
  readonly attempt: number;
  /** Aborts when `options.signal` aborts (and, through a breaker, on the breaker's timeout). */
  readonly signal: AbortSignal;
}

/** Options of {@link retry}. */
export interface RetryOptions {
  /** Calls made at most, the first included (`Infinity`: until success or abort). @default 3 */
  maxAttempts?: number;
  /** Ms waited before the first retry. @default 100 */
  delay?: number;
  /** Factor applied to the delay after each retry. @default 2 */
  multiplier?: number;
  /** Longest wait between attempts, in ms. @default 10_000 */
  maxDelay?: number;
  /** `'full'`: each wait is random in [0, delay] (spreads a fleet's retries); `'none'`: exactly the delay. @default 'full' */
  jitter?: 'full' | 'none';
  /**
   * Decides whether an error is retried (`attempt`: the attempt that failed). A
   * `CircuitBreakerOpenError`, a `CircuitBreakerThrottledError` and an aborted `signal` are never
   * retried, whatever it says.
   * @default every error
   */
  retryOn?: (error: unknown, attempt: number) => boolean;
  /** Aborting it stops at once (also while waiting) and rejects with its reason. */
  signal?: AbortSignal;
  /** Each attempt goes through this breaker; its refusal ends the retries. */
  breaker?: CircuitBreaker;
  /** Schedules the waits (ordinary timers, cleared when settled). @default the system clock */
  clock?: Clock;
}

/**
 * Calls `fn` until it succeeds, waiting with exponential backoff between attempts: `delay`,
 * `delay × multiplier`, … capped at `maxDelay`, with full jitter by default. Through `breaker` when
 * given: a `CircuitBreakerOpenError` is never retried (fail fast means fail fast). Put the breaker
 * inside the retries, as here, so that each attempt counts and an open breaker stops them.
 *
 * @param fn - Receives `{ attempt, signal }`; sync or async.
 * @param options - See {@link RetryOptions}.
 * @returns What `fn` returns on the first success.
 * @throws (rejects) The last error when the attempts run out or `retryOn` declines; the signal's
 * reason when it aborts; a `CircuitBreakerOpenError` at once; TypeError or RangeError for invalid
 * options.
 * @example
 * ```ts
 * const user = await retry(({ signal }) => fetchUser(id, { signal }), {
 *   maxAttempts: 4,
 *   breaker: usersApi,
 *   retryOn: (error) => !(error instanceof NotFoundError),
 * });
 * ```
 */
export async function retry<T>(
  fn: (ctx: RetryContext) => T | PromiseLike<T>,
  options: RetryOptions = {},
): Promise<T> {
  if (typeof fn !== 'function') throw new TypeError(expected('fn', 'a function', fn));
  const o = resolveRetryOptions(options);
  const { signal, breaker } = o;
  let wait = o.delay;
  for (let attempt = 1; ; attempt++) {
    if (signal?.aborted) throw signal.reason;
    try {
      return breaker === undefined
        ? await untilAborted(fn({ attempt, signal: signal ?? neverAborted() }), signal)
        : await breaker.call(
            (ctx) =>
              fn({
                attempt,
                get signal() {
                  return ctx.signal;
                },
              }),
            signal === undefined ? undefined : { signal },
          );
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
    }
    const ms = o.jitter === 'full' ? Math.random() * wait : wait;
    await sleep(o.clock, ms, signal);
    wait = Math.min(o.maxDelay, wait * o.multiplier);
  }
}

interface ResolvedRetryOptions {
  readonly maxAttempts: number;
  readonly delay: number;
  readonly multiplier: number;
  readonly maxDelay: number;
  readonly jitter: 'full' | 'none';
  readonly retryOn: ((error: unknown, attempt: number) => boolean) | undefined;
  readonly signal: AbortSignal | undefined;
  readonly breaker: CircuitBreaker | undefined;
  readonly clock: Clock;
}

const KNOWN = [
  'maxAttempts',
  'delay',
  'multiplier',
  'maxDelay',
  'jitter',
  'retryOn',
  'signal',
  'breaker',
  'clock',
];

function resolveRetryOptions(options: RetryOptions): ResolvedRetryOptions {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(expected('options', 'an object', options));
  }
  for (const key of Object.keys(options)) {
    if (KNOWN.includes(key)) continue;
    const near = closestName(key, KNOWN);
    throw new TypeError(
      `Unknown retry option \`${key}\`; ${near === undefined ? `the options are ${KNOWN.join(', ')}` : `did you mean \`${near}\`?`}`,
    );
  }
  const {
    maxAttempts = 3,
    delay = 100,
    multiplier = 2,
    maxDelay = 10_000,
    jitter = 'full',
    retryOn,
    signal,
    breaker,
    clock = systemClock,
  } = options;
  check(
    'maxAttempts',
    maxAttempts,
    'an integer >= 1, or Infinity',
    (n) => n === Infinity || (Number.isInteger(n) && n >= 1),
  );
  // Waits are timers: longer than 2^31-1 ms would fire at once.
  duration('delay', delay, 0, true);
  check('multiplier', multiplier, 'a number >= 1', (n) => n >= 1 && n < Infinity);
  duration('maxDelay', maxDelay, 0, true);
  if (jitter !== 'full' && jitter !== 'none')
    throw new TypeError(expected('jitter', '"full" or "none"', jitter));
  if (retryOn !== undefined && typeof retryOn !== 'function') {
    throw new TypeError(expected('retryOn', 'a function (error, attempt) => boolean', retryOn));
  }
  if (
    signal !== undefined &&
    (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean')
  ) {
    throw new TypeError(expected('signal', 'an AbortSignal', signal));
  }
  if (
    breaker !== undefined &&
    (typeof breaker !== 'object' || breaker === null || typeof breaker.call !== 'function')
  ) {
    throw new TypeError(expected('breaker', 'a CircuitBreaker', breaker));
  }
  if (
    typeof clock !== 'object' ||
    clock === null ||
    typeof clock.setTimeout !== 'function' ||
    typeof clock.clearTimeout !== 'function'
  ) {
    throw new TypeError(expected('clock', 'an object with setTimeout() and clearTimeout()', clock));
  }
  return {
    maxAttempts,
    delay: Math.min(delay, maxDelay),
    multiplier,
    maxDelay,
    jitter,
    retryOn,
    signal,
    breaker,
    clock,
  };
}

function check(option: string, value: unknown, form: string, valid: (n: number) => boolean): void {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(expected(option, form, value));
  if (!valid(value)) throw new RangeError(expected(option, form, value));
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
