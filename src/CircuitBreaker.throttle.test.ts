import { describe, expect, it, vi } from 'vitest';
import { seeded } from '../test/support/random.js';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';
import {
  CircuitBreakerThrottledError,
  isCircuitBreakerThrottledError,
} from './errors/CircuitBreakerThrottledError.js';
import { retry } from './retry.js';

// Client-side adaptive throttling (Google SRE book): refuse locally with probability
// max(0, (requests − k·accepts) / (requests + 1)), counting only calls that reach it while closed.

const ERROR = new Error('overloaded');

/**
 * A dependency that serves at most `capacity` calls per second and fails the rest, offered `rate`
 * calls a second through the breaker; returns the share the throttle refused over `seconds`.
 */
function run(
  breaker: CircuitBreaker<unknown>,
  clock: FakeClock,
  rate: number,
  capacity: () => number,
  seconds: number,
) {
  let refused = 0;
  let offered = 0;
  for (let s = 0; s < seconds; s++) {
    let served = 0;
    for (let i = 0; i < rate; i++) {
      clock.advance(1000 / rate);
      offered++;
      const permit = breaker.tryAcquire();
      if (permit === undefined) {
        refused++;
        continue;
      }
      if (served < capacity()) {
        served++;
        permit.success();
      } else {
        permit.failure(ERROR);
      }
    }
  }
  return refused / offered;
}

describe('throttle', () => {
  it('refuses the expected share: 1 − k·capacity/rate when the dependency serves less than the traffic', () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({
      clock,
      failureThreshold: false,
      throttle: { k: 2 },
      random: seeded(1),
    });
    run(breaker, clock, 100, () => 30, 120); // reach the steady state over the two-minute history
    const share = run(breaker, clock, 100, () => 30, 60);
    expect(share).toBeGreaterThan(0.4 - 0.05); // 1 − 2·30/100 = 0.4
    expect(share).toBeLessThan(0.4 + 0.05);
    expect(breaker.metrics().throttle!.rejectionProbability).toBeCloseTo(0.4, 1);
  });

  it('refuses nothing while the dependency serves more than 1/k of the calls, and stops once accepts recover', () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: false, throttle: true, random: seeded(2) });
    expect(run(breaker, clock, 100, () => 60, 60)).toBe(0);
    let capacity = 20;
    run(breaker, clock, 100, () => capacity, 120);
    expect(run(breaker, clock, 100, () => capacity, 10)).toBeGreaterThan(0.5);
    capacity = 100;
    run(breaker, clock, 100, () => capacity, 130); // the two-minute history forgets the overload
    expect(run(breaker, clock, 100, () => capacity, 10)).toBe(0);
  });

  it('is capped at maxRejection', () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({
      clock,
      failureThreshold: false,
      throttle: { maxRejection: 0.5 },
      random: seeded(3),
    });
    run(breaker, clock, 100, () => 0, 120);
    expect(run(breaker, clock, 100, () => 0, 30)).toBeLessThan(0.55);
    expect(breaker.metrics().throttle!.rejectionProbability).toBe(0.5);
  });

  it('a throttled call is rejected with reason throttled, gets the fallback, and is never retried', async () => {
    const clock = new FakeClock();
    const random = vi.fn(() => 0); // every draw refuses when the probability is above 0
    const breaker = new CircuitBreaker({ clock, failureThreshold: false, throttle: true, random });
    for (let i = 0; i < 40; i++) await breaker.call(() => Promise.reject(ERROR)).catch(() => {});
    const refusedBefore = breaker.metrics().rejectedCalls;
    expect(refusedBefore).toBeGreaterThan(0);
    const reasons: string[] = [];
    breaker.on('rejected', ({ reason }) => reasons.push(reason));
    const error = await breaker.call(async () => 'sent').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitBreakerThrottledError);
    expect(isCircuitBreakerThrottledError(error)).toBe(true);
    expect(error).toMatchObject({ code: 'ERR_CIRCUIT_THROTTLED', breaker: breaker.name });
    await expect(breaker.call(async () => 'sent', { fallback: () => 'cached' })).resolves.toBe('cached');
    const fn = vi.fn(async () => 'sent');
    await expect(retry(fn, { breaker, delay: 0 })).rejects.toBeInstanceOf(CircuitBreakerThrottledError);
    expect(fn).not.toHaveBeenCalled();
    expect(reasons).toEqual(['throttled', 'throttled', 'throttled']);
    expect(breaker.metrics().rejectedCalls).toBe(refusedBefore + 3);
  });

  it('counts only calls that reach it while closed, and forgets an outage when the breaker closes', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({
      clock,
      failureThreshold: 10,
      resetTimeout: 1000,
      throttle: true,
      random: () => 0.99,
    });
    for (let i = 0; i < 10; i++) await breaker.call(() => Promise.reject(ERROR)).catch(() => {});
    expect(breaker.state).toBe('open');
    const before = breaker.metrics().throttle!;
    for (let i = 0; i < 50; i++) await breaker.call(async () => 1).catch(() => {});
    expect(breaker.metrics().throttle!).toEqual(before); // refusals while open are not requests
    clock.advance(1000);
    await breaker.call(async () => 1); // the trial closes it
    expect(breaker.state).toBe('closed');
    expect(breaker.metrics().throttle).toMatchObject({ requests: 0, accepts: 0, rejectionProbability: 0 });
  });

  it('isAvailable() draws nothing, and a breaker without a throttle reports none', () => {
    const random = vi.fn(() => 0);
    const breaker = new CircuitBreaker({ throttle: true, random });
    expect(breaker.isAvailable()).toBe(true);
    expect(random).not.toHaveBeenCalled();
    expect(new CircuitBreaker().metrics().throttle).toBeNull();
    expect(() => new CircuitBreaker({ throttle: { k: 0.5 } })).toThrow(
      new RangeError('Expected `throttle.k` to be a number >= 1, got `0.5`'),
    );
    expect(() => new CircuitBreaker({ throttle: { kk: 2 } as never })).toThrow(/did you mean `throttle.k`/);
  });
});

describe('throttle on a fresh history', () => {
  it('refuses nothing until the history holds 20 requests: calls in flight are not yet accepted', () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock(), throttle: true, random: () => 0 });
    const permits = Array.from({ length: 19 }, () => breaker.tryAcquire());
    expect(permits.every((permit) => permit !== undefined)).toBe(true);
    expect(breaker.tryAcquire()).toBeDefined(); // the 20th sees 19 requests
    expect(breaker.tryAcquire()).toBeUndefined(); // now 20 requests, none accepted yet
  });
});
