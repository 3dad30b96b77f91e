import { CircuitBreakerError, isCircuitBreakerError } from './CircuitBreakerError.js';

/**
 * The call took longer than its `timeout`: its signal was aborted with this error, and it counts as a
 * failure. Whatever the function does afterwards is ignored.
 */
export class CircuitBreakerTimeoutError extends CircuitBreakerError {
  /** `'CircuitBreakerTimeoutError'`. */
  override readonly name: string = 'CircuitBreakerTimeoutError';
  declare readonly code: 'ERR_CIRCUIT_TIMEOUT';
  /** The timeout that elapsed, in milliseconds. */
  readonly timeout: number;

  /**
   * @param breaker - Name of the breaker.
   * @param timeout - The timeout that elapsed, in milliseconds.
   */
  constructor(breaker: string, timeout: number) {
    super(`Circuit breaker '${breaker}': call timed out after ${timeout} ms`, 'ERR_CIRCUIT_TIMEOUT', breaker);
    this.timeout = timeout;
  }
}

/**
 * Tells whether `value` is a {@link CircuitBreakerTimeoutError} from any copy of the package.
 * @param value - Anything caught.
 */
export function isCircuitBreakerTimeoutError(value: unknown): value is CircuitBreakerTimeoutError {
  return isCircuitBreakerError(value) && value.code === 'ERR_CIRCUIT_TIMEOUT';
}
