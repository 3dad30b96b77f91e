import type { CircuitState } from '../CircuitState.js';
import { CircuitBreakerError, isCircuitBreakerError } from './CircuitBreakerError.js';

/**
 * Raised, without calling the protected function, while the breaker refuses calls: it is open,
 * forced open, or half-open with every trial slot taken.
 *
 * Rejections on the open path reuse the prototype without capturing a stack trace (the stack of a
 * fail-fast rejection says nothing and would dominate its cost); `stack` then reads as
 * `CircuitBreakerOpenError: <message>`.
 */
export class CircuitBreakerOpenError extends CircuitBreakerError {
  /** `'CircuitBreakerOpenError'`. */
  override readonly name: string = 'CircuitBreakerOpenError';
  declare readonly code: 'ERR_CIRCUIT_OPEN';
  /** The state that refused the call: `'open'`, `'half_open'` or `'forced_open'`. */
  readonly state: CircuitState;
  /**
   * Milliseconds until the open period ends: `0` when refused in half-open (a trial slot may free at
   * any moment), `Infinity` when forced open.
   */
  readonly retryAfter: number;

  /**
   * @param breaker - Name of the breaker.
   * @param state - State that refused the call.
   * @param retryAfter - Milliseconds until calls may be admitted again.
   * @param message - Defaults to `Circuit breaker '<breaker>' is <state>`.
   */
  constructor(
    breaker: string,
    state: CircuitState,
    retryAfter: number,
    message = openMessage(breaker, state),
  ) {
    super(message, 'ERR_CIRCUIT_OPEN', breaker);
    this.state = state;
    this.retryAfter = retryAfter;
  }

  /** @internal Builds the error without capturing a stack trace (the fail-fast path). */
  static fast(
    breaker: string,
    state: CircuitState,
    retryAfter: number,
    message: string,
  ): CircuitBreakerOpenError {
    const error = Object.create(CircuitBreakerOpenError.prototype) as {
      -readonly [K in keyof CircuitBreakerOpenError]: CircuitBreakerOpenError[K];
    };
    error.message = message;
    error.name = 'CircuitBreakerOpenError';
    error.code = 'ERR_CIRCUIT_OPEN';
    error.breaker = breaker;
    error.state = state;
    error.retryAfter = retryAfter;
    return error;
  }
}

/** @internal The message of an open error, cached per breaker by the caller. */
export function openMessage(breaker: string, state: CircuitState): string {
  if (state === 'half_open') return `Circuit breaker '${breaker}' is half-open and every trial slot is taken`;
  if (state === 'forced_open') return `Circuit breaker '${breaker}' is forced open`;
  return `Circuit breaker '${breaker}' is open`;
}

/**
 * Tells whether `value` is a {@link CircuitBreakerOpenError} from any copy of the package.
 * @param value - Anything caught.
 */
export function isCircuitBreakerOpenError(value: unknown): value is CircuitBreakerOpenError {
  return isCircuitBreakerError(value) && value.code === 'ERR_CIRCUIT_OPEN';
}
