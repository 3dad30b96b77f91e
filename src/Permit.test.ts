import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';
import { BulkheadFullError } from './errors/BulkheadFullError.js';
import { CircuitBreakerOpenError } from './errors/CircuitBreakerOpenError.js';
import { CircuitBreakerTimeoutError } from './errors/CircuitBreakerTimeoutError.js';
import type { CircuitBreakerOptions } from './options.js';

function setup(options: CircuitBreakerOptions = {}) {
  const clock = new FakeClock();
  return { clock, breaker: new CircuitBreaker({ clock, ...options }) };
}

describe('permits', () => {
  it('success(), failure() and ignore() record outcomes like calls do', () => {
    const { breaker } = setup({ failureThreshold: 2 });
    breaker.acquire().success();
    breaker.acquire().ignore();
    breaker.acquire().failure(new Error('a'));
    breaker.acquire().failure();
    expect(breaker.metrics()).toMatchObject({
      successfulCalls: 1,
      ignoredCalls: 1,
      failedCalls: 2,
      state: 'open',
    });
  });

  it('settles once; later settles are no-ops', () => {
    const { breaker } = setup();
    const permit = breaker.acquire();
    permit.success();
    permit.failure(new Error('late'));
    permit.ignore();
    expect(permit.settled).toBe(true);
    expect(breaker.metrics()).toMatchObject({ successfulCalls: 1, failedCalls: 0, totalCalls: 1 });
  });

  it('tryAcquire() returns undefined while open and counts a rejection; acquire() throws', () => {
    const { breaker } = setup({ failureThreshold: 1 });
    breaker.acquire().failure();
    expect(breaker.tryAcquire()).toBeUndefined();
    expect(() => breaker.acquire()).toThrow(CircuitBreakerOpenError);
    expect(breaker.metrics().rejectedCalls).toBe(2);
  });

  it('acquire() throws BulkheadFullError beyond maxConcurrentCalls', () => {
    const { breaker } = setup({ maxConcurrentCalls: 1 });
    const held = breaker.acquire();
    expect(() => breaker.acquire()).toThrow(BulkheadFullError);
    held.success();
    expect(breaker.acquire()).toBeDefined();
  });

  it('success(result) goes through isResultFailure; failure(error) through the classification', () => {
    class Business extends Error {}
    const { breaker } = setup({
      failureThreshold: false,
      isResultFailure: (r) => r === 503,
      exclude: [Business],
    });
    breaker.acquire().success(503);
    breaker.acquire().success(200);
    breaker.acquire().failure(new Business());
    expect(breaker.metrics()).toMatchObject({ failedCalls: 1, successfulCalls: 1, ignoredCalls: 1 });
  });

  it('a timeout aborts the permit’s signal and records a timeout failure', () => {
    const { clock, breaker } = setup({ failureThreshold: 1 });
    const permit = breaker.acquire({ timeout: 100 });
    expect(permit.signal.aborted).toBe(false);
    clock.advance(100);
    expect(permit.signal.aborted).toBe(true);
    expect(permit.signal.reason).toBeInstanceOf(CircuitBreakerTimeoutError);
    permit.success(); // too late: a no-op
    expect(breaker.metrics()).toMatchObject({
      timeouts: 1,
      failedCalls: 1,
      successfulCalls: 0,
      state: 'open',
    });
  });

  it('a settled permit releases its timer', () => {
    const { clock, breaker } = setup();
    const permit = breaker.acquire({ timeout: 100 });
    expect(clock.refedTimers).toBe(1);
    permit.success();
    expect(clock.refedTimers).toBe(0);
  });

  it('disposing an unsettled permit records a failure; a settled one records nothing more', () => {
    const { breaker } = setup({ failureThreshold: false });
    {
      using permit = breaker.acquire();
      void permit;
    }
    {
      using permit = breaker.acquire();
      permit.success();
    }
    expect(breaker.metrics()).toMatchObject({ failedCalls: 1, successfulCalls: 1 });
    expect(breaker.metrics().lastError).toContain('Permit disposed without success()');
  });

  it('in half-open a permit is a trial that decides like a call', () => {
    const { clock, breaker } = setup({ failureThreshold: 1, resetTimeout: 10 });
    breaker.acquire().failure();
    clock.advance(10);
    const trial = breaker.acquire();
    expect(breaker.tryAcquire()).toBeUndefined();
    trial.success();
    expect(breaker.state).toBe('closed');
  });

  it('validates the timeout', () => {
    const { breaker } = setup();
    expect(() => breaker.acquire({ timeout: 0 })).toThrow(
      'Expected `options.timeout` to be a duration in ms > 0, got `0`',
    );
  });
});
