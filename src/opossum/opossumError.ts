const OURS: unique symbol = Symbol.for('breakwater.opossum.error');

/**
 * The codes of the errors an opossum breaker makes itself: `EOPENBREAKER` (refused while open, or
 * half-open with its trial running), `ETIMEDOUT` (the action ran past `timeout`), `ESEMLOCKED`
 * (`capacity` calls were running), `ESHUTDOWN` (called after `shutdown()`, or once the breakwater
 * breaker underneath was disposed).
 */
export type OpossumErrorCode = 'EOPENBREAKER' | 'ETIMEDOUT' | 'ESEMLOCKED' | 'ESHUTDOWN';

/** An error the breaker made (`CircuitBreaker.isOurError()` is true): opossum's message and `code`. */
export interface OpossumError extends Error {
  /** Why the breaker failed the call (see {@link OpossumErrorCode}); the same codes as opossum's. */
  readonly code: OpossumErrorCode;
  /** The breakwater error behind it (`CircuitBreakerOpenError`, ...), when there is one. */
  readonly cause?: unknown;
}

/** @internal An error of the breaker's own, as opossum makes them: a plain `Error` with a `code`. */
export function ourError(message: string, code: OpossumErrorCode, cause?: unknown): OpossumError {
  const error = new Error(message, cause === undefined ? undefined : { cause }) as Error & {
    code: OpossumErrorCode;
    [OURS]: true;
  };
  error.code = code;
  Object.defineProperty(error, OURS, { value: true });
  return error;
}

/** @internal Whether `error` was made by an opossum breaker (not by its action); works across copies. */
export function isOurError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { [OURS]?: unknown })[OURS] === true;
}
