import { describe, expect, it } from 'vitest';
import { deferred } from '../test/support/flush.js';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';
import { BulkheadFullError } from './errors/BulkheadFullError.js';

// Bugs the peers have had, each guarded by name.
describe('regressions', () => {
  it('a time window forgets old buckets after idling', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({
      clock,
      failureRateThreshold: 0.5,
      minimumCalls: 5,
      window: { type: 'time', duration: 10_000, buckets: 5 },
    });
    for (let i = 0; i < 4; i++) await breaker.call(() => Promise.reject(new Error('x'))).catch(() => {});
    clock.advance(3_600_000); // an hour idle
    expect(breaker.metrics()).toMatchObject({ windowCalls: 0, failureRate: 0 });
    await breaker.call(() => Promise.reject(new Error('x'))).catch(() => {});
    expect(breaker.state).toBe('closed'); // 1 call, not 5
  });

  it('a timeout on one call does not abort the signal of another', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 10 });
    const signals: AbortSignal[] = [];
    const long = deferred<string>();
    const short = breaker.call(
      ({ signal }) => {
        signals.push(signal);
        return new Promise(() => {});
      },
      { timeout: 10 },
    );
    const other = breaker.call(
      ({ signal }) => {
        signals.push(signal);
        return long.promise;
      },
      { timeout: 10_000 },
    );
    const plain = breaker.call(({ signal }) => {
      signals.push(signal);
      return long.promise;
    });
    clock.advance(10);
    await short.catch(() => {});
    expect(signals.map((s) => s.aborted)).toEqual([true, false, false]);
    long.resolve('done');
    await expect(other).resolves.toBe('done');
    await expect(plain).resolves.toBe('done');
  });

  it('a bulkhead rejection does not count as a failure', async () => {
    const breaker = new CircuitBreaker({
      clock: new FakeClock(),
      maxConcurrentCalls: 1,
      failureThreshold: 1,
    });
    const gate = deferred<string>();
    const running = breaker.call(() => gate.promise);
    for (let i = 0; i < 10; i++)
      await expect(breaker.call(async () => 'x')).rejects.toBeInstanceOf(BulkheadFullError);
    expect(breaker.metrics()).toMatchObject({
      failedCalls: 0,
      consecutiveFailures: 0,
      rejectedCalls: 10,
      state: 'closed',
    });
    gate.resolve('ok');
    await running;
  });

  it('the caller’s options object is not mutated', () => {
    const options = {
      name: 'api',
      failureRateThreshold: 0.5,
      window: { type: 'count' as const },
      backoff: { multiplier: 3 },
    };
    const before = JSON.stringify(options);
    const breaker = new CircuitBreaker(options);
    expect(JSON.stringify(options)).toBe(before);
    expect(breaker.options.window).toEqual({ type: 'count', size: 100 });
    expect(breaker.options.backoff).toEqual({ multiplier: 3, max: 300_000, jitter: 0 });
  });

  it('a fail-fast rejection never reaches the function, however many arrive', async () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock(), failureThreshold: 1 });
    await breaker.call(() => Promise.reject(new Error('down'))).catch(() => {});
    let calls = 0;
    const results = await Promise.allSettled(
      Array.from({ length: 1000 }, () => breaker.call(async () => calls++)),
    );
    expect(calls).toBe(0);
    expect(results.every((r) => r.status === 'rejected')).toBe(true);
    expect(breaker.metrics().rejectedCalls).toBe(1000);
  });
});
