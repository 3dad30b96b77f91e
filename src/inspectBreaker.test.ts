import { inspect } from 'node:util';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';

describe('console.log(breaker) prints something useful', () => {
  it('a closed breaker: its name, state and figures', () => {
    const breaker = new CircuitBreaker({ name: 'db', clock: new FakeClock() });
    expect(inspect(breaker)).toBe(
      "CircuitBreaker {\n  name: 'db',\n  state: 'closed',\n  failureRate: 0,\n  consecutiveFailures: 0,\n" +
        '  windowCalls: 0,\n  inFlight: 0,\n  totalCalls: 0\n}',
    );
  });

  it('an open breaker: why, until when, and the last error', async () => {
    const clock = new FakeClock({ wallNow: Date.UTC(2030, 0, 1) });
    const breaker = new CircuitBreaker({
      name: 'payments',
      clock,
      failureThreshold: 1,
      resetTimeout: 30_000,
    });
    await breaker.call(() => Promise.reject(new Error('ECONNREFUSED'))).catch(() => {});
    const text = inspect(breaker, { breakLength: Number.POSITIVE_INFINITY });
    expect(text).toBe(
      "CircuitBreaker { name: 'payments', state: 'open', failureRate: 1, consecutiveFailures: 1, windowCalls: 1, " +
        "inFlight: 0, totalCalls: 1, openReason: 'failure_threshold', retryAt: '2030-01-01T00:00:30.000Z', " +
        "lastError: 'Error: ECONNREFUSED' }",
    );
  });

  it('nested deeper than inspect goes, a one-word summary', () => {
    const breaker = new CircuitBreaker({ name: 'db', clock: new FakeClock() });
    expect(inspect({ a: { b: { breaker } } }, { depth: 2 })).toBe(
      "{ a: { b: { breaker: [CircuitBreaker 'db'] } } }",
    );
  });

  it('adds no public member to the type, and nothing to JSON', () => {
    const breaker = new CircuitBreaker({ name: 'db', clock: new FakeClock() });
    expect(Object.keys(breaker)).toEqual([]);
    expect(JSON.stringify(breaker)).toContain('"name":"db"'); // toJSON() still decides
  });
});
