import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';
import { BulkheadFullError } from './errors/BulkheadFullError.js';
import type { CircuitBreakerEvents } from './events.js';
import type { CircuitBreakerOptions } from './options.js';
import type { Permit } from './Permit.js';
import { MemoryStore } from './store/MemoryStore.js';

// The adaptive concurrency limit (DESIGN section 10): `maxConcurrentCalls: { adaptive: true }`.

const FAILURE = new Error('timed out');

function setup(options: CircuitBreakerOptions = {}) {
  const clock = new FakeClock();
  const breaker = new CircuitBreaker({
    clock,
    failureThreshold: false,
    maxConcurrentCalls: { adaptive: true },
    ...options,
  });
  return { clock, breaker };
}

/**
 * Waves of calls: each wave asks for `offered` permits at once, the admitted ones take `latency` ms
 * (given the calls admitted in the wave, or fixed) and succeed (or fail, with `ok: false`). Returns
 * the calls admitted and refused over all waves.
 */
function waves(
  breaker: CircuitBreaker,
  clock: FakeClock,
  count: number,
  wave: { offered: number; latency: number | ((admitted: number) => number); ok?: boolean },
) {
  let admitted = 0;
  let refused = 0;
  for (let w = 0; w < count; w++) {
    const permits: Permit[] = [];
    for (let i = 0; i < wave.offered; i++) {
      const permit = breaker.tryAcquire();
      if (permit === undefined) refused++;
      else permits.push(permit);
    }
    admitted += permits.length;
    const latency = typeof wave.latency === 'number' ? wave.latency : wave.latency(permits.length);
    clock.advance(latency);
    for (const permit of permits) {
      if (wave.ok === false) permit.failure(FAILURE);
      else permit.success();
    }
  }
  return { admitted, refused };
}

/** A dependency of `workers` workers of `service` ms each: the latency of `n` calls at once. */
const queueing = (workers: number, service: number) => (n: number) => service * Math.max(1, n / workers);

describe('maxConcurrentCalls: { adaptive: true }', () => {
  it('resolves its defaults, validates its settings and round-trips through breaker.options', () => {
    const { breaker } = setup();
    expect(breaker.options.maxConcurrentCalls).toEqual({ adaptive: true, min: 1, max: 1000, initial: 20 });
    expect(Object.isFrozen(breaker.options.maxConcurrentCalls)).toBe(true);
    // Resolved options carry `undefined` fields, which the input type does not take under
    // exactOptionalPropertyTypes; at run time they are accepted.
    const again = (options: object) => new CircuitBreaker(options as CircuitBreakerOptions);
    expect(again(breaker.options).options.maxConcurrentCalls).toEqual(breaker.options.maxConcurrentCalls);
    // The unlimited default round-trips too.
    const plain = new CircuitBreaker();
    expect(again(plain.options).options.maxConcurrentCalls).toBe(Number.POSITIVE_INFINITY);
    expect(
      new CircuitBreaker({ maxConcurrentCalls: { adaptive: true, min: 5, max: 10 } }).options
        .maxConcurrentCalls,
    ).toEqual({ adaptive: true, min: 5, max: 10, initial: 10 });
    const bad: [unknown, ErrorConstructor, string][] = [
      [
        'lots',
        TypeError,
        'Expected `maxConcurrentCalls` to be an integer >= 1, false, or { adaptive: true, min, max, initial }, got `"lots"`',
      ],
      [
        { adaptive: false },
        TypeError,
        'Expected `maxConcurrentCalls.adaptive` to be true (or give an integer >= 1), got `false`',
      ],
      [
        { adaptive: true, min: 0 },
        RangeError,
        'Expected `maxConcurrentCalls.min` to be an integer >= 1, got `0`',
      ],
      [
        { adaptive: true, min: 10, max: 5 },
        RangeError,
        'Expected `maxConcurrentCalls.max` to be an integer >= 10, got `5`',
      ],
      [
        { adaptive: true, max: 10, initial: 50 },
        RangeError,
        'Expected `maxConcurrentCalls.initial` to be at most maxConcurrentCalls.max (10), got `50`',
      ],
      [
        { adaptive: true, initial: 0.5 },
        RangeError,
        'Expected `maxConcurrentCalls.initial` to be an integer >= 1, got `0.5`',
      ],
      [
        { adaptive: true, maxx: 3 },
        TypeError,
        'Unknown option `maxConcurrentCalls.maxx`; did you mean `maxConcurrentCalls.max`?',
      ],
    ];
    for (const [value, Kind, message] of bad) {
      expect(() => new CircuitBreaker({ maxConcurrentCalls: value as never })).toThrow(new Kind(message));
    }
  });

  it('refuses calls over the limit at once with BulkheadFullError (reason `limit`), never a failure; the fallback answers', async () => {
    const { breaker } = setup({ maxConcurrentCalls: { adaptive: true, initial: 2 } });
    const reasons: string[] = [];
    breaker.on('rejected', ({ reason }) => reasons.push(reason));
    const first = breaker.acquire();
    breaker.acquire();
    expect(breaker.isAvailable()).toBe(false);
    const error = await breaker.call(() => 'never called').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(BulkheadFullError);
    expect(error).toMatchObject({ code: 'ERR_CIRCUIT_BULKHEAD', maxConcurrentCalls: 2 });
    await expect(breaker.call(() => 'never called', { fallback: () => 'cached' })).resolves.toBe('cached');
    expect(reasons).toEqual(['limit', 'limit']);
    expect(breaker.metrics()).toMatchObject({
      rejectedCalls: 2,
      failedCalls: 0,
      fallbacks: 1,
      state: 'closed',
    });
    first.success();
    expect(breaker.isAvailable()).toBe(true);
  });

  it('reports `metrics().concurrency` only when configured: the limit, the calls in flight and what it learned', () => {
    expect(new CircuitBreaker({ maxConcurrentCalls: 10 }).metrics().concurrency).toBeNull();
    const { clock, breaker } = setup({ maxConcurrentCalls: { adaptive: true, initial: 8 } });
    expect(breaker.metrics().concurrency).toEqual({ limit: 8, inFlight: 0, noLoadMs: 0, latencyMs: 0 });
    waves(breaker, clock, 3, { offered: 4, latency: 10 });
    breaker.acquire();
    expect(breaker.metrics().concurrency).toMatchObject({ inFlight: 1, noLoadMs: 10, latencyMs: 10 });
  });

  it('grows while the latency stays near no-load and the calls in flight come up to the limit, and not for idle capacity', () => {
    const busy = setup({ maxConcurrentCalls: { adaptive: true, initial: 4 } });
    waves(busy.breaker, busy.clock, 80, { offered: 1000, latency: 10 });
    expect(busy.breaker.metrics().concurrency?.limit).toBeGreaterThan(100);

    // Two calls at a time never come near a limit of 20: nothing to learn about a larger one.
    const idle = setup();
    waves(idle.breaker, idle.clock, 200, { offered: 2, latency: 10 });
    expect(idle.breaker.metrics().concurrency?.limit).toBe(20);
  });

  it('settles where the dependency queues: its concurrency and a little more, and shrinks when latency passes 1.5 times no-load', () => {
    const { clock, breaker } = setup({ maxConcurrentCalls: { adaptive: true, initial: 4 } });
    // 8 workers of 100 ms: latency grows past 8 calls at once; 1.5 times no-load is 12 calls.
    const latency = queueing(8, 100);
    waves(breaker, clock, 300, { offered: 100, latency });
    const settled = breaker.metrics().concurrency!;
    expect(settled.noLoadMs).toBeGreaterThanOrEqual(100);
    expect(settled.noLoadMs).toBeLessThan(110);
    expect(settled.limit).toBeGreaterThanOrEqual(8);
    expect(settled.limit).toBeLessThanOrEqual(14);
    expect(settled.latencyMs).toBeLessThanOrEqual(150 * 1.2);
  });

  it('saturated from the start above the dependency’s concurrency, measures no-load at its floor first, then settles near it', () => {
    const { clock, breaker } = setup(); // initial 20
    // 8 workers of 25 ms: 20 calls at once already queue (62.5 ms), which is not no-load.
    waves(breaker, clock, 300, { offered: 100, latency: queueing(8, 25) });
    const { noLoadMs, limit } = breaker.metrics().concurrency!;
    expect(noLoadMs).toBeGreaterThanOrEqual(25);
    expect(noLoadMs).toBeLessThan(28);
    expect(limit).toBeGreaterThanOrEqual(8);
    expect(limit).toBeLessThanOrEqual(14);
  });

  it('a timed-out call counts at its timeout: hanging calls shrink the limit to its floor', async () => {
    const { clock, breaker } = setup({ timeout: 1000, maxConcurrentCalls: { adaptive: true, initial: 10 } });
    // Learn 20 ms through call().
    for (let i = 0; i < 40; i++) {
      const calls = Array.from({ length: 5 }, () =>
        breaker.call(() => new Promise((resolve) => clock.setTimeout(() => resolve('ok'), 20))),
      );
      clock.advance(20);
      await Promise.all(calls);
    }
    expect(breaker.metrics().concurrency?.noLoadMs).toBeCloseTo(20, 0);
    // Now every call hangs until the breaker's timeout.
    for (let i = 0; i < 60; i++) {
      const calls = Array.from({ length: 10 }, () =>
        breaker.call(() => new Promise(() => {})).catch((error: unknown) => error),
      );
      clock.advance(1000);
      await Promise.all(calls);
    }
    const { limit, latencyMs } = breaker.metrics().concurrency!;
    expect(latencyMs).toBeGreaterThan(900);
    expect(latencyMs).toBeLessThanOrEqual(1010);
    expect(limit).toBe(1);
    // What hangs is not learned as the no-load latency (most calls failed).
    expect(breaker.metrics().concurrency?.noLoadMs).toBeCloseTo(20, 0);
  });

  it('learns a dependency that got slower for good: down to its floor, where the latency is no-load, and back up', () => {
    const { clock, breaker } = setup({ maxConcurrentCalls: { adaptive: true, initial: 4 } });
    waves(breaker, clock, 100, { offered: 100, latency: queueing(8, 20) });
    expect(breaker.metrics().concurrency?.noLoadMs).toBeGreaterThanOrEqual(20);
    expect(breaker.metrics().concurrency?.noLoadMs).toBeLessThan(22);
    // Five times slower, whatever the load (10 workers of 100 ms).
    const floor: number[] = [];
    breaker.on('limitChange', ({ limit }) => floor.push(limit));
    waves(breaker, clock, 400, { offered: 100, latency: queueing(10, 100) });
    expect(Math.min(...floor)).toBeLessThanOrEqual(2);
    const { noLoadMs, limit } = breaker.metrics().concurrency!;
    expect(noLoadMs).toBeGreaterThan(95);
    expect(noLoadMs).toBeLessThan(110);
    expect(limit).toBeGreaterThanOrEqual(10);
    expect(limit).toBeLessThanOrEqual(17);
  });

  it('announces `limitChange { limit, previous }` only when the limit changes, at most once per round', () => {
    const { clock, breaker } = setup({ maxConcurrentCalls: { adaptive: true, initial: 4 } });
    const changes: CircuitBreakerEvents['limitChange'][] = [];
    breaker.on('limitChange', (change) => changes.push(change));
    // One wave is one round (every call ends at once); the limit is decided every other round.
    const rounds = 30;
    waves(breaker, clock, rounds, { offered: 1000, latency: 10 });
    expect(changes.length).toBeGreaterThan(5);
    expect(changes.length).toBeLessThanOrEqual(rounds / 2);
    // Saturated from the start: first the floor, to measure the no-load latency, then up from there.
    expect(changes.slice(0, 2)).toEqual([
      { name: breaker.name, limit: 1, previous: 4 },
      { name: breaker.name, limit: 2, previous: 1 },
    ]);
    for (const [i, change] of changes.entries()) {
      expect(change.limit).not.toBe(change.previous);
      if (i > 0) expect(change.previous).toBe(changes[i - 1]!.limit);
    }
    expect(changes.at(-1)?.limit).toBe(breaker.metrics().concurrency?.limit);
  });

  it('works beside the trip rules: limit while slow, open while dead, and forget the outage once closed', () => {
    const { clock, breaker } = setup({
      failureRateThreshold: 0.5,
      window: { type: 'count', size: 20 },
      resetTimeout: 1000,
      maxConcurrentCalls: { adaptive: true, initial: 10 },
    });
    waves(breaker, clock, 50, { offered: 10, latency: 10 });
    // Dead: every call fails after 1 s.
    waves(breaker, clock, 12, { offered: 10, latency: 1000, ok: false });
    expect(breaker.state).not.toBe('closed');
    expect(breaker.metrics().concurrency?.latencyMs).toBeGreaterThan(100);
    clock.advance(1000);
    breaker.acquire().success(); // the trial
    expect(breaker.state).toBe('closed');
    expect(breaker.metrics().concurrency?.latencyMs).toBe(0);
    expect(breaker.metrics().concurrency?.noLoadMs).toBeCloseTo(10, 1);
  });

  it('stays per instance with a store: each instance learns its own limit', () => {
    const clock = new FakeClock();
    const store = new MemoryStore({ clock });
    const options: CircuitBreakerOptions = {
      name: 'shared',
      clock,
      store,
      failureThreshold: false,
      maxConcurrentCalls: { adaptive: true, initial: 4 },
    };
    const a = new CircuitBreaker(options);
    const b = new CircuitBreaker(options);
    waves(a, clock, 60, { offered: 1000, latency: 10 });
    waves(b, clock, 60, { offered: 1, latency: 10 });
    expect(a.metrics().concurrency!.limit).toBeGreaterThan(20);
    expect(b.metrics().concurrency!.limit).toBe(4);
    a.dispose();
    b.dispose();
    store.close();
  });
});
