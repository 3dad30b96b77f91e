/** Brand shared by every copy of the package, so guards work across duplicate installs. */
const BRAND: unique symbol = Symbol.for('breakwater.CircuitBreakerError') as never;

/** The stable codes of breakwater's errors. */
export type CircuitBreakerErrorCode =
  | 'ERR_CIRCUIT_OPEN'
  | 'ERR_CIRCUIT_TIMEOUT'
  | 'ERR_CIRCUIT_BULKHEAD'
  | 'ERR_CIRCUIT_THROTTLED'
  | 'ERR_CIRCUIT_DISPOSED';

/**
 * Base class of every error the breaker itself raises. A dependency's own errors are never wrapped:
 * they reach the caller unchanged.
 *
 * @example
 * ```ts
 * try { await breaker.call(fn); } catch (error) {
 *   if (isCircuitBreakerError(error)) console.warn(error.code, error.breaker);
 * }
 * ```
 */
export class CircuitBreakerError extends Error {
  /** `'CircuitBreakerError'`. */
  override readonly name: string = 'CircuitBreakerError';
  /** Stable machine-readable code, such as `'ERR_CIRCUIT_OPEN'`. */
  readonly code: CircuitBreakerErrorCode;
  /** Name of the breaker that raised the error. */
  readonly breaker: string;

  /**
   * @param message - Human-readable description.
   * @param code - Stable machine-readable code.
   * @param breaker - Name of the breaker that raised it.
   */
  constructor(message: string, code: CircuitBreakerErrorCode, breaker: string) {
    super(message);
    this.code = code;
    this.breaker = breaker;
  }
}

Object.defineProperty(CircuitBreakerError.prototype, BRAND, { value: true });
// Errors built without a captured stack (the open fast path) still print a readable first line.
Object.defineProperty(CircuitBreakerError.prototype, 'stack', {
  configurable: true,
  get(this: Error) {
    return `${this.name}: ${this.message}`;
  },
});

/**
 * Tells whether `value` is an error raised by breakwater (any copy of the package).
 * @param value - Anything caught.
 * @returns `true` for every {@link CircuitBreakerError} and subclass.
 */
export function isCircuitBreakerError(value: unknown): value is CircuitBreakerError {
  return typeof value === 'object' && value !== null && (value as { [BRAND]?: unknown })[BRAND] === true;
}
