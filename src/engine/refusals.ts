import { BulkheadFullError } from '../errors/BulkheadFullError.js';
import { CircuitBreakerError } from '../errors/CircuitBreakerError.js';
import { CircuitBreakerOpenError, openMessage } from '../errors/CircuitBreakerOpenError.js';
import { CircuitBreakerThrottledError, throttledMessage } from '../errors/CircuitBreakerThrottledError.js';
import type { RejectionReason } from '../events.js';

/** @internal Admission results below zero: why a call was refused. */
export const REFUSED_OPEN = -1;
export const REFUSED_HALF_OPEN = -2;
export const REFUSED_FORCED = -3;
export const REFUSED_BULKHEAD = -4;
export const REFUSED_DISPOSED = -5;
export const REFUSED_THROTTLED = -6;
export const REFUSED_LIMIT = -7;

const REASONS: readonly RejectionReason[] = [
  'open',
  'half_open_full',
  'forced_open',
  'bulkhead',
  'disposed',
  'throttled',
  'limit',
];

/** @internal The `rejected` event's reason for a refusal code. */
export function rejectionReason(code: number): RejectionReason {
  return REASONS[-code - 1]!;
}

/** @internal A breaker's refusal messages, built on its first refusal (most breakers never refuse). */
export interface RefusalMessages {
  readonly open: string;
  readonly half_open: string;
  readonly forced_open: string;
  readonly throttled: string;
}

/** @internal */
export function refusalMessages(name: string): RefusalMessages {
  return {
    open: openMessage(name, 'open'),
    half_open: openMessage(name, 'half_open'),
    forced_open: openMessage(name, 'forced_open'),
    throttled: throttledMessage(name),
  };
}

/** @internal Where the open paths find their messages and `retryAfter` (the automaton's open period). */
export interface RefusalSource {
  /** The breaker's refusal messages (kept with its open period, which every open refusal has). */
  refusalMessages(name: string): RefusalMessages;
  retryAfter(): number;
  /** The throttle's rejection probability (for a throttled refusal). */
  throttleProbability(): number;
}

/**
 * @internal The error for a refusal. The open paths build it without capturing a stack trace: the
 * stack of a fail-fast rejection says nothing and would dominate its cost.
 */
export function refusalError(
  code: number,
  name: string,
  source: RefusalSource,
  maxConcurrentCalls: number,
): CircuitBreakerError {
  if (code === REFUSED_BULKHEAD || code === REFUSED_LIMIT)
    return new BulkheadFullError(name, maxConcurrentCalls);
  if (code === REFUSED_DISPOSED) {
    return new CircuitBreakerError(`Circuit breaker '${name}' is disposed`, 'ERR_CIRCUIT_DISPOSED', name);
  }
  const messages = source.refusalMessages(name);
  switch (code) {
    case REFUSED_OPEN:
      return CircuitBreakerOpenError.fast(name, 'open', source.retryAfter(), messages.open);
    case REFUSED_THROTTLED:
      return CircuitBreakerThrottledError.fast(name, source.throttleProbability(), messages.throttled);
    case REFUSED_FORCED:
      return CircuitBreakerOpenError.fast(
        name,
        'forced_open',
        Number.POSITIVE_INFINITY,
        messages.forced_open,
      );
    default:
      return CircuitBreakerOpenError.fast(name, 'half_open', 0, messages.half_open);
  }
}
