import { describe, expect, it } from 'vitest';
import { flush, recordingLogger } from '../test/support/flush.js';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';
import type { CircuitBreakerOptions } from './options.js';
import { CircuitBreakerRegistry } from './registry/CircuitBreakerRegistry.js';

// Issue 14 item 1, DESIGN section 12: while a breaker is open, and after a failed trial re-opened it,
// what an operator reads shows the figures that tripped it, until it closes.

const fail = (message: string) => () => Promise.reject(new Error(message));
const ok = () => Promise.resolve('ok');

async function outage(options: CircuitBreakerOptions = {}) {
  const clock = new FakeClock();
  const logger = recordingLogger();
  const registry = new CircuitBreakerRegistry({ clock, logger });
  const breaker = registry.register('db', { resetTimeout: 1000, ...options });
  return { clock, logger, registry, breaker };
}

describe('the figures that tripped a breaker', () => {
  it('stay readable while open, through half-open and after a failed trial re-opened it', async () => {
    const { clock, logger, registry, breaker } = await outage();
    for (let i = 0; i < 3; i++) await breaker.call(ok);
    for (let i = 0; i < 5; i++) await breaker.call(fail(`down ${i}`)).catch(() => {});
    const tripped = {
      state: 'open',
      failureRate: 5 / 8,
      consecutiveFailures: 5,
      windowCalls: 8,
      slowCallRate: 0,
      lastError: 'Error: down 4',
      openReason: 'failure_threshold',
    };
    expect(breaker.metrics()).toMatchObject(tripped);

    clock.advance(1000);
    expect(breaker.metrics()).toMatchObject({ ...tripped, state: 'half_open', openReason: null });

    await breaker.call(fail('trial')).catch(() => {});
    // The trial's failure, and the last trip's figures.
    expect(breaker.metrics()).toMatchObject({
      ...tripped,
      lastError: 'Error: trial',
      openReason: 'trial_failed',
      failedCalls: 6,
    });
    expect(registry.health().breakers.db).toEqual({ state: 'open', failureCount: 5, failureRate: 5 / 8 });
    expect(registry.statuses()[0]).toMatchObject({ failureRate: 5 / 8 });

    // The re-opening's log line carries them too.
    const reopened = logger.lines.filter((l) => l.fields.reason === 'trial_failed');
    expect(reopened).toHaveLength(1);
    expect(reopened[0]?.fields).toMatchObject({ state: 'open', failure_count: 5, failure_rate: 5 / 8 });

    // A second failed round: still the same figures.
    clock.advance(1000);
    await breaker.call(fail('trial 2')).catch(() => {});
    expect(breaker.metrics()).toMatchObject({
      ...tripped,
      lastError: 'Error: trial 2',
      openReason: 'trial_failed',
    });
  });

  it('are cleared when it closes', async () => {
    const { clock, breaker } = await outage({ failureThreshold: 2 });
    await breaker.call(fail('a')).catch(() => {});
    await breaker.call(fail('b')).catch(() => {});
    clock.advance(1000);
    await breaker.call(ok);
    expect(breaker.metrics()).toMatchObject({
      state: 'closed',
      failureRate: 0,
      consecutiveFailures: 0,
      windowCalls: 0,
    });
  });

  it('a rate trip over a time window keeps its figures however long the outage lasts', async () => {
    const { clock, breaker } = await outage({
      failureThreshold: false,
      failureRateThreshold: 0.5,
      minimumCalls: 4,
      window: { type: 'time', duration: 10_000, buckets: 10 },
      resetTimeout: 60_000,
    });
    await breaker.call(ok);
    await breaker.call(ok);
    await breaker.call(fail('x')).catch(() => {});
    await breaker.call(fail('y')).catch(() => {});
    const tripped = { failureRate: 0.5, windowCalls: 4, openReason: 'failure_rate' };
    expect(breaker.metrics()).toMatchObject({ state: 'open', ...tripped });
    clock.advance(60_000); // six windows later
    expect(breaker.metrics()).toMatchObject({ state: 'half_open', failureRate: 0.5, windowCalls: 4 });
    await breaker.call(fail('trial')).catch(() => {});
    expect(breaker.metrics()).toMatchObject({ state: 'open', ...tripped, openReason: 'trial_failed' });
    await flush();
  });

  it('a slow-call trip shows its slow-call rate after a slow trial re-opened it', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({
      clock,
      failureThreshold: false,
      slowCallRateThreshold: 0.5,
      slowCallDuration: 100,
      minimumCalls: 2,
      resetTimeout: 1000,
    });
    const slow = () => {
      clock.advance(200);
      return ok();
    };
    await breaker.call(slow);
    await breaker.call(slow);
    expect(breaker.metrics()).toMatchObject({ state: 'open', slowCallRate: 1, windowCalls: 2 });
    clock.advance(1000);
    await breaker.call(slow);
    expect(breaker.metrics()).toMatchObject({
      state: 'open',
      openReason: 'trial_failed',
      slowCallRate: 1,
      windowCalls: 2,
    });
  });
});
