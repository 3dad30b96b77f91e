import { CircuitBreakerError, isCircuitBreakerError } from './CircuitBreakerError.js';

/**
 * `maxConcurrentCalls` calls were already running. The dependency did not fail, so this never counts
 * as a failure and never trips the breaker.
 */
export class BulkheadFullError extends CircuitBreakerError {
  /** `'BulkheadFullError'`. */
  override readonly name: string = 'BulkheadFullError';
  declare readonly code: 'ERR_CIRCUIT_BULKHEAD';
  /** The configured `maxConcurrentCalls`. */
  readonly maxConcurrentCalls: number;

  /**
   * @param breaker - Name of the breaker.
   * @param maxConcurrentCalls - The configured limit.
   */
  constructor(breaker: string, maxConcurrentCalls: number) {
    super(
      `Circuit breaker '${breaker}': ${maxConcurrentCalls} concurrent calls already running`,
      'ERR_CIRCUIT_BULKHEAD',
      breaker,
    );
    this.maxConcurrentCalls = maxConcurrentCalls;
  }
}

/**
 * Tells whether `value` is a {@link BulkheadFullError} from any copy of the package.
 * @param value - Anything caught.
 */
export function isBulkheadFullError(value: unknown): value is BulkheadFullError {
  return isCircuitBreakerError(value) && value.code === 'ERR_CIRCUIT_BULKHEAD';
}
