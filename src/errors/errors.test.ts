import { describe, expect, it } from 'vitest';
import { BulkheadFullError, isBulkheadFullError } from './BulkheadFullError.js';
import { CircuitBreakerError, isCircuitBreakerError } from './CircuitBreakerError.js';
import { CircuitBreakerOpenError, isCircuitBreakerOpenError } from './CircuitBreakerOpenError.js';
import { CircuitBreakerTimeoutError, isCircuitBreakerTimeoutError } from './CircuitBreakerTimeoutError.js';

describe('errors', () => {
  it('form a hierarchy with stable codes and names', () => {
    const open = new CircuitBreakerOpenError('db', 'open', 1000);
    expect(open).toBeInstanceOf(CircuitBreakerError);
    expect(open).toBeInstanceOf(Error);
    expect([open.name, open.code, open.breaker, open.state, open.retryAfter]).toEqual([
      'CircuitBreakerOpenError',
      'ERR_CIRCUIT_OPEN',
      'db',
      'open',
      1000,
    ]);
    expect(open.message).toBe("Circuit breaker 'db' is open");
    const timeout = new CircuitBreakerTimeoutError('db', 250);
    expect([timeout.name, timeout.code, timeout.timeout]).toEqual([
      'CircuitBreakerTimeoutError',
      'ERR_CIRCUIT_TIMEOUT',
      250,
    ]);
    const bulkhead = new BulkheadFullError('db', 4);
    expect([bulkhead.name, bulkhead.code, bulkhead.maxConcurrentCalls]).toEqual([
      'BulkheadFullError',
      'ERR_CIRCUIT_BULKHEAD',
      4,
    ]);
    expect(String(new CircuitBreakerOpenError('db', 'open', 1).stack)).toContain('errors.test.ts');
  });

  it('builds fail-fast open errors without a stack trace, still printable', () => {
    const error = CircuitBreakerOpenError.fast('db', 'forced_open', Number.POSITIVE_INFINITY, 'm');
    expect(error).toBeInstanceOf(CircuitBreakerOpenError);
    expect(error.stack).toBe('CircuitBreakerOpenError: m');
    expect([error.code, error.state, error.retryAfter]).toEqual([
      'ERR_CIRCUIT_OPEN',
      'forced_open',
      Number.POSITIVE_INFINITY,
    ]);
  });

  it('guards recognise errors from another copy of the package (a shared Symbol.for brand)', () => {
    const brand = Symbol.for('breakwater.CircuitBreakerError');
    const foreign = Object.assign(new Error('x'), { [brand]: true, code: 'ERR_CIRCUIT_OPEN' });
    expect(isCircuitBreakerError(foreign)).toBe(true);
    expect(isCircuitBreakerOpenError(foreign)).toBe(true);
    expect(isCircuitBreakerTimeoutError(foreign)).toBe(false);
    expect(isBulkheadFullError(new BulkheadFullError('db', 1))).toBe(true);
    expect(isCircuitBreakerTimeoutError(new CircuitBreakerTimeoutError('db', 1))).toBe(true);
    for (const value of [new Error('x'), null, undefined, 'ERR_CIRCUIT_OPEN', { code: 'ERR_CIRCUIT_OPEN' }]) {
      expect(isCircuitBreakerError(value)).toBe(false);
      expect(isCircuitBreakerOpenError(value)).toBe(false);
    }
  });
});
