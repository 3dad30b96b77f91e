import type { CallOptions } from '../CircuitBreaker.js';
import type { PermitOptions } from '../Permit.js';
import { expected } from './describe.js';

/** @internal What is wrong with per-call options, or `undefined` (a call rejects; it never throws). */
export function checkCallOptions(options: CallOptions<unknown> | undefined): string | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) return expected('options', 'an object', options);
  const { signal, timeout, fallback } = options;
  if (
    signal !== undefined &&
    (typeof signal !== 'object' || signal === null || typeof signal.aborted !== 'boolean')
  ) {
    return expected('options.signal', 'an AbortSignal', signal);
  }
  if (timeout !== undefined && timeout !== false && !isPositiveDuration(timeout)) {
    return expected('options.timeout', 'a duration in ms > 0, or false', timeout);
  }
  if (fallback !== undefined && typeof fallback !== 'function') {
    return expected('options.fallback', 'a function', fallback);
  }
  return undefined;
}

/**
 * @internal A permit's timeout, or `undefined`.
 * @throws RangeError for anything but a finite duration > 0.
 */
export function permitTimeout(options: PermitOptions | undefined): number | undefined {
  const timeout = options?.timeout;
  if (timeout === undefined) return undefined;
  if (!isPositiveDuration(timeout))
    throw new RangeError(expected('options.timeout', 'a duration in ms > 0', timeout));
  return timeout;
}

/**
 * @internal A finite duration in ms >= 0.
 * @throws RangeError otherwise.
 */
export function checkDuration(name: string, value: unknown): number {
  if (!(typeof value === 'number' && value >= 0 && value < Number.POSITIVE_INFINITY)) {
    throw new RangeError(expected(name, 'a duration in ms >= 0', value));
  }
  return value;
}

function isPositiveDuration(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && value < Number.POSITIVE_INFINITY;
}
