import { type CircuitBreaker, CircuitBreakerOpenError, FakeClock } from 'breakwater';
import { describe, expect, it } from 'vitest';
import { flush } from '../../test/support/flush.js';
import { createInventoryBreaker, IOError, OutOfStockError, RequestTimeoutError } from './resilience4j.js';

// resilience4j runs on the JVM, so this test checks the port against resilience4j's documented
// behaviour for resilience4j.yml (the CircuitBreaker page of its documentation), step by step.

const fail = (error: Error) => (breaker: CircuitBreaker) =>
  breaker.call(() => Promise.reject(error)).catch(() => {});
const io = fail(new IOError('connection reset'));
const ok = (breaker: CircuitBreaker) => breaker.call(() => 'ok');

function setup() {
  const clock = new FakeClock();
  return { clock, breaker: createInventoryBreaker(clock) };
}

describe('examples/migrating/resilience4j.ts behaves as resilience4j.yml', () => {
  it('no rule before minimumNumberOfCalls (5); then it opens at a failure rate equal to or above 50%', async () => {
    const { breaker } = setup();
    for (const call of [io, io, io, io]) await call(breaker);
    expect(breaker.state).toBe('closed'); // 4 failures, 4 calls: below the minimum
    await ok(breaker);
    expect(breaker.state).toBe('open'); // 4 of 5 = 80%

    const other = setup().breaker;
    for (const call of [ok, ok, ok, io, io]) await call(other);
    expect(other.state).toBe('closed'); // 2 of 5 = 40%
    await io(other);
    expect(other.state).toBe('open'); // 3 of 6 = 50%: equal is enough
  });

  it('the window is the last 10 calls (COUNT_BASED, slidingWindowSize: 10)', async () => {
    const { breaker } = setup();
    for (const call of [io, io, ok, ok, ok, ok, ok, ok, ok, ok]) await call(breaker); // 2 of 5 at the 5th: closed
    expect(breaker.metrics()).toMatchObject({ failureRate: 0.2, windowCalls: 10 });
    for (const call of [ok, ok]) await call(breaker); // the 2 failures fall out
    expect(breaker.metrics()).toMatchObject({ failureRate: 0, windowCalls: 10, state: 'closed' });
  });

  it('open: calls are not permitted for waitDurationInOpenState (10 s), then half-open by itself', async () => {
    const { clock, breaker } = setup();
    for (let i = 0; i < 5; i++) await io(breaker);
    clock.advance(9_999);
    await expect(ok(breaker)).rejects.toBeInstanceOf(CircuitBreakerOpenError); // CallNotPermittedException
    clock.advance(1);
    expect(breaker.state).toBe('half_open'); // automaticTransitionFromOpenToHalfOpenEnabled: no call needed
  });

  it('half-open: 3 permitted calls; a 4th is not permitted; 3 successes close it', async () => {
    const { clock, breaker } = setup();
    for (let i = 0; i < 5; i++) await io(breaker);
    clock.advance(10_000);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const trials = [1, 2, 3].map(() => breaker.call(() => gate.then(() => 'ok')));
    await expect(ok(breaker)).rejects.toBeInstanceOf(CircuitBreakerOpenError);
    release();
    await Promise.all(trials);
    expect(breaker.state).toBe('closed');
  });

  it('slow calls: 100% of the calls slower than 2 s (slowCallRateThreshold: 100) open it', async () => {
    const { clock, breaker } = setup();
    const slow = () =>
      breaker.call(() => new Promise<string>((resolve) => clock.setTimeout(() => resolve('late'), 2_001)));
    const calls = [slow(), slow(), slow(), slow(), slow()];
    clock.advance(2_001);
    await Promise.all(calls);
    await flush();
    expect(breaker.metrics()).toMatchObject({ state: 'open', openReason: 'slow_call_rate', slowCallRate: 1 });
  });

  it('recordExceptions count, ignoreExceptions do not', async () => {
    const { breaker } = setup();
    for (let i = 0; i < 5; i++) await fail(new OutOfStockError('sku-1'))(breaker);
    expect(breaker.metrics()).toMatchObject({ state: 'closed', windowCalls: 0, ignoredCalls: 5 });
    for (let i = 0; i < 5; i++) await fail(new RequestTimeoutError('3 s'))(breaker);
    expect(breaker.state).toBe('open');
  });

  describe('where they differ', () => {
    it('one failed trial in 3 re-opens it (resilience4j, at 1 of 3 = 33% < 50%, would close)', async () => {
      const { clock, breaker } = setup();
      for (let i = 0; i < 5; i++) await io(breaker);
      clock.advance(10_000);
      await ok(breaker);
      await io(breaker);
      expect(breaker.state).toBe('open');
    });

    it('an error in neither list is ignored (resilience4j counts it as a success)', async () => {
      const { breaker } = setup();
      for (let i = 0; i < 4; i++) await io(breaker);
      await fail(new TypeError('a bug'))(breaker);
      // resilience4j: 4 failures of 5 calls (the TypeError a success) = 80%: open. breakwater: the
      // TypeError is not counted, 4 calls are below the minimum of 5: still closed.
      expect(breaker.metrics()).toMatchObject({ state: 'closed', windowCalls: 4, ignoredCalls: 1 });
    });
  });
});
