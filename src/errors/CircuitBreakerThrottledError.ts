import { CircuitBreakerError, isCircuitBreakerError } from './CircuitBreakerError.js';

/**
 * Raised, without calling the protected function, when client-side throttling (the `throttle`
 * option) refuses a call: the dependency has been accepting too few of the calls sent to it
 * lately, so this one is dropped locally to take load off it. Like an open circuit it means "fail
 * fast": `retry()` never retries it. Built without a stack trace, like the open refusals.
 */
export class CircuitBreakerThrottledError extends CircuitBreakerError {
  /** `'CircuitBreakerThrottledError'`. */
  override readonly name: string = 'CircuitBreakerThrottledError';
  declare readonly code: 'ERR_CIRCUIT_THROTTLED';
  /** The probability with which calls were being refused when this one was. */
  readonly rejectionProbability: number;

  /**
   * @param breaker - Name of the breaker.
   * @param rejectionProbability - The throttle's rejection probability at the time.
   * @param message - Defaults to `Circuit breaker '<breaker>' is throttling calls`.
   */
  constructor(breaker: string, rejectionProbability: number, message = throttledMessage(breaker)) {
    super(message, 'ERR_CIRCUIT_THROTTLED', breaker);
    this.rejectionProbability = rejectionProbability;
  }

  /** @internal Builds the error without capturing a stack trace (the fail-fast path). */
  static fast(breaker: string, rejectionProbability: number, message: string): CircuitBreakerThrottledError {
    const error = Object.create(CircuitBreakerThrottledError.prototype) as {
      -readonly [K in keyof CircuitBreakerThrottledError]: CircuitBreakerThrottledError[K];
    };
    error.message = message;
    error.name = 'CircuitBreakerThrottledError';
    error.code = 'ERR_CIRCUIT_THROTTLED';
    error.breaker = breaker;
    error.rejectionProbability = rejectionProbability;
    return error;
  }
}

/** @internal The message of a throttled refusal. */
export function throttledMessage(breaker: string): string {
  return `Circuit breaker '${breaker}' is throttling calls: the dependency accepts too few lately`;
}

/**
 * Tells whether `value` is a {@link CircuitBreakerThrottledError} from any copy of the package.
 * @param value - Anything caught.
 */
export function isCircuitBreakerThrottledError(value: unknown): value is CircuitBreakerThrottledError {
  return isCircuitBreakerError(value) && value.code === 'ERR_CIRCUIT_THROTTLED';
}
