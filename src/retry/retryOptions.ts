import type { CircuitBreaker } from '../CircuitBreaker.js';
import { type Clock, systemClock } from '../clock/Clock.js';
import { closestName } from '../options/closestName.js';
import { expected } from '../options/describe.js';
import { duration } from '../options/validate.js';
import type { RetryBudget } from './RetryBudget.js';

/** Options of `retry()`. */
export interface RetryOptions<T = unknown> {
  /** Calls made at most, the first included (`Infinity`: until success or abort). @default 3 */
  maxAttempts?: number;
  /** Ms waited before the first retry. @default 100 */
  delay?: number;
  /** Factor applied to the delay after each retry. @default 2 */
  multiplier?: number;
  /** Longest wait between attempts, in ms (a `Retry-After` longer than this is cut to it). @default 10_000 */
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
  /**
   * Decides whether a returned value is retried (a `Response` with status 503, say). When the
   * attempts run out, or the budget refuses the retry, the last value is returned (not an error).
   * @default no value is retried
   */
  retryOnResult?: (value: T) => boolean;
  /**
   * Called before each wait: `error` is the error (or the value `retryOnResult` marked), `attempt`
   * the attempt that failed (1 for the first, which is also this retry's number), `delay` the ms
   * about to be waited. Like a listener, what it throws is ignored.
   */
  onRetry?: (error: unknown, attempt: number, delay: number) => void;
  /**
   * Shares a {@link RetryBudget} between retries of the same dependency: once spent, a failed
   * attempt ends its call with the last error (or value) instead of retrying. @default none
   */
  budget?: RetryBudget;
  /** Aborting it stops at once (also while waiting) and rejects with its reason. */
  signal?: AbortSignal;
  /** Each attempt goes through this breaker; its refusal while open ends the retries. */
  breaker?: CircuitBreaker;
  /**
   * Schedules the waits (ordinary timers, cleared when settled); its `wallNow()` (else `Date.now`)
   * dates a `Retry-After` that holds an HTTP date. @default the system clock
   */
  clock?: Clock;
}

/** @internal {@link RetryOptions} checked, with the defaults. */
export interface ResolvedRetryOptions<T> {
  readonly maxAttempts: number;
  readonly delay: number;
  readonly multiplier: number;
  readonly maxDelay: number;
  readonly jitter: 'full' | 'none';
  readonly retryOn: ((error: unknown, attempt: number) => boolean) | undefined;
  readonly retryOnResult: ((value: T) => boolean) | undefined;
  readonly onRetry: ((error: unknown, attempt: number, delay: number) => void) | undefined;
  readonly budget: RetryBudget | undefined;
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
  'retryOnResult',
  'onRetry',
  'budget',
  'signal',
  'breaker',
  'clock',
];

/**
 * @internal Checks `retry()`'s options and fills in the defaults. Never mutates `options`.
 * @throws TypeError for a wrong type or an unknown key, RangeError for a value out of range.
 */
export function resolveRetryOptions<T>(options: RetryOptions<T>): ResolvedRetryOptions<T> {
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
    retryOnResult,
    onRetry,
    budget,
    signal,
    breaker,
    clock = systemClock,
  } = options;
  check(
    'maxAttempts',
    maxAttempts,
    'an integer >= 1, or Infinity',
    (n) => n === Number.POSITIVE_INFINITY || (Number.isInteger(n) && n >= 1),
  );
  // Waits are timers: longer than 2^31-1 ms would fire at once.
  duration('delay', delay, 0, true);
  check('multiplier', multiplier, 'a number >= 1', (n) => n >= 1 && n < Number.POSITIVE_INFINITY);
  duration('maxDelay', maxDelay, 0, true);
  if (jitter !== 'full' && jitter !== 'none')
    throw new TypeError(expected('jitter', '"full" or "none"', jitter));
  if (retryOn !== undefined && typeof retryOn !== 'function') {
    throw new TypeError(expected('retryOn', 'a function (error, attempt) => boolean', retryOn));
  }
  if (retryOnResult !== undefined && typeof retryOnResult !== 'function') {
    throw new TypeError(expected('retryOnResult', 'a function (value) => boolean', retryOnResult));
  }
  if (onRetry !== undefined && typeof onRetry !== 'function') {
    throw new TypeError(expected('onRetry', 'a function (error, attempt, delay) => void', onRetry));
  }
  if (
    budget !== undefined &&
    (typeof budget !== 'object' ||
      budget === null ||
      typeof budget.recordCall !== 'function' ||
      typeof budget.tryRetry !== 'function')
  ) {
    throw new TypeError(expected('budget', 'a RetryBudget', budget));
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
    retryOnResult,
    onRetry,
    budget,
    signal,
    breaker,
    clock,
  };
}

function check(option: string, value: unknown, form: string, valid: (n: number) => boolean): void {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(expected(option, form, value));
  if (!valid(value)) throw new RangeError(expected(option, form, value));
}
