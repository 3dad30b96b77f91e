import { describe, expect, it, vi } from 'vitest';
import { deferred, flush } from '../test/support/flush.js';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';
import { CircuitBreakerOpenError } from './errors/CircuitBreakerOpenError.js';
import type { CircuitBreakerOptions } from './options.js';

const boom = () => Promise.reject(new Error('boom'));
const ok = () => Promise.resolve('ok');

function setup(options: CircuitBreakerOptions = {}) {
  const clock = new FakeClock({ wallNow: 1_700_000_000_000 });
  const breaker = new CircuitBreaker({ name: 'dep', clock, ...options });
  const fail = async (times = 1) => {
    for (let i = 0; i < times; i++) await breaker.call(boom).catch(() => {});
  };
  const succeed = async (times = 1) => {
    for (let i = 0; i < times; i++) await breaker.call(ok);
  };
  return { clock, breaker, fail, succeed };
}

describe('calling through the breaker', () => {
  it('returns what fn returns, sync or async, and passes fn’s error through unchanged', async () => {
    const { breaker } = setup();
    await expect(breaker.call(() => 1)).resolves.toBe(1);
    await expect(breaker.call(async () => 2)).resolves.toBe(2);
    // biome-ignore lint/suspicious/noThenProperty: a foreign thenable is what this test is about
    const thenable = { then: (resolve: (v: number) => void) => resolve(3) } as unknown as PromiseLike<number>;
    await expect(breaker.call(() => thenable)).resolves.toBe(3);
    const error = new Error('mine');
    await expect(breaker.call(() => Promise.reject(error))).rejects.toBe(error);
    await expect(
      breaker.call(() => {
        throw error;
      }),
    ).rejects.toBe(error);
  });

  it('never throws synchronously, even for a non-function fn', async () => {
    const { breaker } = setup();
    let promise: Promise<unknown> | undefined;
    expect(() => {
      promise = breaker.call(42 as never);
    }).not.toThrow();
    await expect(promise).rejects.toThrow(TypeError);
    await expect(promise).rejects.toThrow('Expected `fn` to be a function, got `42`');
    expect(breaker.metrics().ignoredCalls).toBe(1);
  });

  it('rethrows thrown non-Error values unchanged and counts them as failures', async () => {
    const { breaker } = setup({ failureThreshold: 2 });
    await expect(breaker.call(() => Promise.reject('plain string'))).rejects.toBe('plain string');
    await expect(
      breaker.call(() => {
        throw undefined;
      }),
    ).rejects.toBeUndefined();
    expect(breaker.state).toBe('open');
    expect(breaker.metrics().lastError).toBe('undefined');
  });

  it('wrap() keeps fn’s parameters', async () => {
    const { breaker } = setup();
    const add = breaker.wrap(async (a: number, b: number) => a + b);
    await expect(add(2, 3)).resolves.toBe(5);
    expect(breaker.metrics().successfulCalls).toBe(1);
  });

  it('callSync() returns the value, throws when open, and refuses promises', async () => {
    const { breaker } = setup({ failureThreshold: 1 });
    expect(breaker.callSync(() => 7)).toBe(7);
    expect(() => breaker.callSync(() => Promise.resolve(1))).toThrow('use call()');
    expect(breaker.metrics().ignoredCalls).toBe(1);
    expect(() =>
      breaker.callSync(() => {
        throw new Error('sync');
      }),
    ).toThrow('sync');
    expect(() => breaker.callSync(() => 1)).toThrow(CircuitBreakerOpenError);
  });

  it('callSync() serves the breaker’s fallback while open', () => {
    const { breaker } = setup({ failureThreshold: 1, fallback: () => 'cached' });
    expect(
      breaker.callSync<string>(() => {
        throw new Error('down');
      }),
    ).toBe('cached');
    expect(breaker.callSync(() => 'fresh')).toBe('cached');
    expect(breaker.metrics().fallbacks).toBe(2);
  });
});

describe('trip rules', () => {
  it('opens after failureThreshold consecutive failures (5 by default); a success resets the count', async () => {
    const { breaker, fail, succeed } = setup();
    await fail(4);
    await succeed();
    await fail(4);
    expect(breaker.state).toBe('closed');
    expect(breaker.metrics().consecutiveFailures).toBe(4);
    await fail();
    expect(breaker.state).toBe('open');
  });

  it('opens on the failure rate over a count window once minimumCalls is reached', async () => {
    const { breaker, fail, succeed } = setup({
      failureRateThreshold: 0.5,
      minimumCalls: 4,
      window: { type: 'count', size: 4 },
    });
    await fail(3);
    expect(breaker.state).toBe('closed'); // 3 calls < minimumCalls
    await succeed();
    expect(breaker.state).toBe('open'); // 3/4 >= 0.5, evaluated on a success too
    expect(breaker.metrics().failureRate).toBe(0.75);
  });

  it('compares rates exactly (3 failures of 10 trip a 0.3 threshold)', async () => {
    const { breaker, fail, succeed } = setup({
      failureRateThreshold: 0.3,
      window: { type: 'count', size: 10 },
    });
    await succeed(7);
    await fail(3);
    expect(breaker.state).toBe('open');
  });

  it('forgets what leaves a count window', async () => {
    const { breaker, fail, succeed } = setup({
      failureRateThreshold: 0.7,
      minimumCalls: 3,
      window: { type: 'count', size: 3 },
    });
    await fail(2);
    await succeed(3); // the failures leave the window
    expect(breaker.metrics()).toMatchObject({ windowCalls: 3, failureRate: 0 });
    await fail(2);
    expect(breaker.metrics().failureRate).toBeCloseTo(2 / 3);
    expect(breaker.state).toBe('closed');
    await fail(1);
    expect(breaker.state).toBe('open');
  });

  it('counts a time window over its duration only', async () => {
    const { clock, breaker, fail, succeed } = setup({
      failureRateThreshold: 0.5,
      minimumCalls: 4,
      window: { type: 'time', duration: 10_000, buckets: 10 },
    });
    await fail(3);
    clock.advance(10_000);
    await succeed(2);
    await fail(1);
    expect(breaker.metrics().windowCalls).toBe(3);
    expect(breaker.state).toBe('closed');
    await fail(1); // 2 failures of 4 within the window
    expect(breaker.state).toBe('open');
  });

  it('opens on the slow-call rate; a slow call is one longer than slowCallDuration', async () => {
    const { clock, breaker } = setup({ slowCallRateThreshold: 0.5, slowCallDuration: 100, minimumCalls: 2 });
    const slow = async (ms: number) => {
      const d = deferred<string>();
      const call = breaker.call(() => d.promise);
      clock.advance(ms);
      d.resolve('late');
      await call;
    };
    await slow(100); // not longer than 100 ms
    await slow(101);
    expect(breaker.state).toBe('open');
    expect(breaker.metrics()).toMatchObject({ slowCalls: 1, slowCallRate: 0.5, successfulCalls: 2 });
  });

  it('minimumCalls gates the consecutive rule too', async () => {
    const { breaker, fail } = setup({ failureThreshold: 5, minimumCalls: 20 });
    await fail(19);
    expect(breaker.state).toBe('closed');
    await fail(1);
    expect(breaker.state).toBe('open');
  });

  it('with every rule switched off it never trips and only records', async () => {
    const { breaker, fail } = setup({
      failureThreshold: false,
      failureRateThreshold: false,
      slowCallRateThreshold: false,
    });
    await fail(50);
    expect(breaker.state).toBe('closed');
    expect(breaker.metrics().failedCalls).toBe(50);
  });

  it('opens when any configured rule holds', async () => {
    const { breaker, fail } = setup({ failureThreshold: 2, failureRateThreshold: 0.9, minimumCalls: 2 });
    await fail(2);
    expect(breaker.state).toBe('open');
  });
});

describe('open', () => {
  it('fails fast with retryAfter and without calling fn', async () => {
    const { clock, breaker, fail } = setup({ failureThreshold: 1, resetTimeout: 1000 });
    await fail();
    clock.advance(400);
    const fn = vi.fn(ok);
    const error = await breaker.call(fn).catch((e: unknown) => e);
    expect(fn).not.toHaveBeenCalled();
    expect(error).toBeInstanceOf(CircuitBreakerOpenError);
    expect(error).toMatchObject({ code: 'ERR_CIRCUIT_OPEN', state: 'open', retryAfter: 600, breaker: 'dep' });
  });

  it('reads half_open once the open period has passed, without a call or a timer', async () => {
    const { clock, breaker, fail } = setup({ failureThreshold: 1, resetTimeout: 1000 });
    await fail();
    expect(clock.pendingTimers).toBe(0);
    clock.advance(999);
    expect(breaker.state).toBe('open');
    clock.advance(1);
    expect(breaker.state).toBe('half_open');
  });

  it('keeps the window frozen while open, so it shows what tripped it', async () => {
    const { breaker, fail, succeed } = setup({ failureThreshold: 3 });
    await succeed(1);
    await fail(3);
    expect(breaker.metrics()).toMatchObject({
      state: 'open',
      windowCalls: 4,
      failureRate: 0.75,
      consecutiveFailures: 3,
    });
  });

  it('grows the open period by exponential backoff while re-opening from half-open, capped, reset on close', async () => {
    const { clock, breaker, fail, succeed } = setup({
      failureThreshold: 1,
      resetTimeout: 60_000,
      backoff: { multiplier: 2, max: 300_000 },
    });
    await fail();
    const periods: number[] = [];
    for (let i = 0; i < 5; i++) {
      periods.push(
        (await breaker.call(ok).catch((e: CircuitBreakerOpenError) => e)) instanceof CircuitBreakerOpenError
          ? breaker.metrics().retryAt! - clock.wallNow()
          : -1,
      );
      clock.advance(periods[i]!);
      await fail(); // failed trial re-opens
    }
    expect(periods).toEqual([60_000, 120_000, 240_000, 300_000, 300_000]);
    clock.advance(300_000);
    await succeed();
    expect(breaker.state).toBe('closed');
    await fail();
    expect(breaker.metrics().retryAt! - clock.wallNow()).toBe(60_000);
  });

  it('applies jitter to the un-jittered sequence, never compounded', async () => {
    const random = vi.spyOn(Math, 'random').mockReturnValue(0.5);
    const { clock, breaker, fail } = setup({
      failureThreshold: 1,
      resetTimeout: 1000,
      backoff: { multiplier: 2, jitter: 0.5 },
    });
    await fail();
    expect(breaker.metrics().retryAt! - clock.wallNow()).toBe(750); // 1000 × (1 − 0.5 × 0.5)
    clock.advance(750);
    await fail();
    expect(breaker.metrics().retryAt! - clock.wallNow()).toBe(1500); // 2000 × 0.75, not 750 × 2 × 0.75
    expect(random).toHaveBeenCalled();
  });

  it('takes a backoff function (attempt) => ms', async () => {
    const backoff = vi.fn((attempt: number) => attempt * 1000);
    const { clock, breaker, fail } = setup({ failureThreshold: 1, backoff });
    await fail();
    clock.advance(1000);
    await fail();
    expect(backoff.mock.calls.map(([attempt]) => attempt)).toEqual([1, 2]);
    expect(breaker.metrics().retryAt! - clock.wallNow()).toBe(2000);
  });

  it('falls back to resetTimeout when the backoff function misbehaves, and reports it', async () => {
    const errors: unknown[] = [];
    const logger = { info() {}, warn() {}, error: (fields: object) => errors.push(fields) };
    const { clock, breaker, fail } = setup({
      failureThreshold: 1,
      resetTimeout: 500,
      backoff: () => Number.NaN,
      logger,
    });
    await fail();
    expect(breaker.metrics().retryAt! - clock.wallNow()).toBe(500);
    expect(errors.length).toBeGreaterThan(0);
  });
});

describe('manual control', () => {
  it('open(duration) opens now and recovers normally after the duration', async () => {
    const { clock, breaker } = setup();
    breaker.open(5000);
    expect(breaker.state).toBe('open');
    clock.advance(5000);
    expect(breaker.state).toBe('half_open');
    await breaker.call(ok);
    expect(breaker.state).toBe('closed');
  });

  it('open() without a duration uses the current open period and does not advance the backoff', async () => {
    const { clock, breaker, fail } = setup({ failureThreshold: 1, resetTimeout: 1000, backoff: true });
    breaker.open();
    expect(breaker.metrics().retryAt! - clock.wallNow()).toBe(1000);
    breaker.open();
    expect(breaker.metrics().retryAt! - clock.wallNow()).toBe(1000);
    clock.advance(1000);
    await fail();
    expect(breaker.metrics().retryAt! - clock.wallNow()).toBe(2000);
  });

  it('open(duration) validates the duration', () => {
    const { breaker } = setup();
    expect(() => breaker.open(-1)).toThrow(RangeError);
    expect(() => breaker.open(-1)).toThrow('`durationMs`');
  });

  it('forceOpen() rejects everything with retryAfter Infinity until reset()', async () => {
    const { clock, breaker } = setup();
    breaker.forceOpen();
    clock.advance(10 ** 9);
    expect(breaker.state).toBe('forced_open');
    await expect(breaker.call(ok)).rejects.toMatchObject({
      state: 'forced_open',
      retryAfter: Number.POSITIVE_INFINITY,
    });
    breaker.reset();
    await expect(breaker.call(ok)).resolves.toBe('ok');
  });

  it('forceClose() admits everything and records, never tripping, until reset()', async () => {
    const { breaker, fail } = setup({ failureThreshold: 1 });
    breaker.forceClose();
    await fail(10);
    expect(breaker.state).toBe('forced_closed');
    expect(breaker.metrics()).toMatchObject({ failedCalls: 10, consecutiveFailures: 10 });
    breaker.reset();
    expect(breaker.state).toBe('closed');
  });

  it('reset() returns to closed and clears everything, cumulative totals included', async () => {
    const { breaker, fail } = setup({ failureThreshold: 2 });
    await fail(2);
    await breaker.call(ok).catch(() => {});
    breaker.reset();
    expect(breaker.metrics()).toMatchObject({
      state: 'closed',
      totalCalls: 0,
      failedCalls: 0,
      rejectedCalls: 0,
      consecutiveFailures: 0,
      windowCalls: 0,
      stateTransitions: 0,
      lastError: null,
      lastFailureAt: null,
    });
  });

  it('reset() drops calls admitted before it from the metrics when they settle', async () => {
    const { breaker } = setup();
    const d = deferred<string>();
    const pending = breaker.call(() => d.promise);
    breaker.reset();
    d.resolve('late');
    await pending;
    await breaker.call(boom).catch(() => {});
    const m = breaker.metrics();
    expect(m.totalCalls).toBe(1);
    expect(m.totalCalls).toBe(m.successfulCalls + m.failedCalls + m.rejectedCalls + m.ignoredCalls);
  });
});

describe('metrics', () => {
  it('lands every call in exactly one of successful, failed, rejected, ignored', async () => {
    class Business extends Error {}
    const { breaker, fail, succeed } = setup({ failureThreshold: 3, exclude: [Business] });
    await succeed(2);
    await breaker.call(() => Promise.reject(new Business())).catch(() => {});
    await fail(3);
    await breaker.call(ok).catch(() => {});
    expect(breaker.tryAcquire()).toBeUndefined();
    const m = breaker.metrics();
    expect(m).toMatchObject({
      totalCalls: 8,
      successfulCalls: 2,
      failedCalls: 3,
      rejectedCalls: 2,
      ignoredCalls: 1,
    });
  });

  it('reports epoch times from clock.wallNow()', async () => {
    const { clock, breaker, fail } = setup({ failureThreshold: 1, resetTimeout: 1000 });
    clock.advance(50);
    await fail();
    const m = breaker.metrics();
    expect(m.lastFailureAt).toBe(1_700_000_000_050);
    expect(m.openedAt).toBe(1_700_000_000_050);
    expect(m.retryAt).toBe(1_700_000_001_050);
    expect(m.lastError).toBe('Error: boom');
  });

  it('says why it is open (openReason) while open or forced open, and null otherwise', async () => {
    const { clock, breaker, fail, succeed } = setup({ failureThreshold: 2, resetTimeout: 1000 });
    expect(breaker.metrics()).toMatchObject({ openReason: null, openedBy: null });
    await fail(2);
    expect(breaker.metrics()).toMatchObject({ openReason: 'failure_threshold', openedBy: null });
    clock.advance(1000);
    expect(breaker.metrics().openReason).toBeNull(); // half-open
    await fail(1);
    expect(breaker.metrics().openReason).toBe('trial_failed');
    clock.advance(1000);
    await succeed(1);
    expect(breaker.metrics().openReason).toBeNull();
    breaker.forceOpen();
    expect(breaker.metrics().openReason).toBe('force_open');
    breaker.reset();
    breaker.open(500);
    expect(breaker.metrics().openReason).toBe('manual_open');
  });

  it('failureRate is reported below minimumCalls and 0 for an empty window', async () => {
    const { breaker, fail, succeed } = setup({ failureRateThreshold: 0.9 });
    expect(breaker.metrics().failureRate).toBe(0);
    await fail(1);
    await succeed(1);
    expect(breaker.metrics()).toMatchObject({ failureRate: 0.5, successRate: 0.5, windowCalls: 2 });
  });

  it('measures latency on a deterministic sample (every tenth call by default)', async () => {
    const { breaker, succeed } = setup({ latencySampling: 0.5 });
    await succeed(10);
    expect(breaker.metrics().latency.max).toBe(0); // FakeClock: durations are 0
    const now = vi.fn(() => 0);
    const counting = new CircuitBreaker({ clock: { now, setTimeout, clearTimeout }, latencySampling: 0.1 });
    for (let i = 0; i < 100; i++) await counting.call(ok);
    expect(now.mock.calls.length).toBeLessThanOrEqual(25); // 10 samples × (start + end), plus construction
  });
});

describe('snapshots', () => {
  it('toJSON() saves the state, remaining open time, backoff attempt and savedAt; initialState restores it', async () => {
    const { clock, breaker, fail } = setup({ failureThreshold: 1, resetTimeout: 10_000, backoff: true });
    await fail();
    clock.advance(10_000);
    await fail(); // attempt 2: 20 s
    clock.advance(5000);
    const saved = breaker.toJSON();
    expect(saved).toEqual({
      version: 1,
      name: 'dep',
      state: 'open',
      remainingOpenMs: 15_000,
      backoffAttempt: 2,
      savedAt: clock.wallNow(),
    });
    const later = new FakeClock({ wallNow: saved.savedAt + 4000 });
    const restored = new CircuitBreaker({
      clock: later,
      initialState: JSON.parse(JSON.stringify(saved)),
      resetTimeout: 10_000,
      backoff: true,
      failureThreshold: 1,
    });
    expect(restored.state).toBe('open');
    expect(restored.metrics().retryAt! - later.wallNow()).toBe(11_000);
    later.advance(11_000);
    await restored.call(boom).catch(() => {});
    expect(restored.metrics().retryAt! - later.wallNow()).toBe(40_000); // attempt 3
  });

  it('restores an open breaker whose time has passed as half_open, and half_open with no trial in flight', async () => {
    const clock = new FakeClock({ wallNow: 10_000 });
    const expired = new CircuitBreaker({
      clock,
      initialState: {
        version: 1,
        name: 'x',
        state: 'open',
        remainingOpenMs: 1000,
        backoffAttempt: 1,
        savedAt: 5000,
      },
    });
    expect(expired.state).toBe('half_open');
    const half = new CircuitBreaker({
      clock,
      initialState: {
        version: 1,
        name: 'x',
        state: 'half_open',
        remainingOpenMs: 0,
        backoffAttempt: 1,
        savedAt: 9000,
      },
    });
    expect(half.isAvailable()).toBe(true);
    await half.call(ok);
    expect(half.state).toBe('closed');
  });
});

describe('dispose()', () => {
  it('clears timers and listeners; calls in flight settle; later calls reject with ERR_CIRCUIT_DISPOSED', async () => {
    const { clock, breaker } = setup({ failureThreshold: 1, fallback: () => 'fallback' });
    const listener = vi.fn();
    breaker.on('stateChange', listener);
    breaker.open(1000);
    expect(clock.pendingTimers).toBe(1);
    breaker.reset();
    const d = deferred<string>();
    const inFlight = breaker.call(() => d.promise);
    breaker.dispose();
    expect(clock.pendingTimers).toBe(0);
    d.resolve('done');
    await expect(inFlight).resolves.toBe('done');
    await expect(breaker.call(ok)).rejects.toMatchObject({ code: 'ERR_CIRCUIT_DISPOSED' });
    expect(breaker.isAvailable()).toBe(false);
    breaker.forceOpen();
    expect(listener).toHaveBeenCalledTimes(2); // open and reset, none after dispose
    await flush();
  });
});
