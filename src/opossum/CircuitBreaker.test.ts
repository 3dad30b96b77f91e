import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deferred, flush } from '../../test/support/flush.js';
import { CircuitBreaker as Breaker } from '../CircuitBreaker.js';
import { FakeClock } from '../clock/FakeClock.js';
import { CircuitBreakerRegistry } from '../registry/CircuitBreakerRegistry.js';
import { MemoryStore } from '../store/MemoryStore.js';
import CircuitBreaker, { MemoryCache, Status } from './index.js';
import type { OpossumOptions as Options } from './opossumOptions.js';

let clock: FakeClock;
let registry: CircuitBreakerRegistry;
const saved = CircuitBreaker.registry;

beforeEach(() => {
  clock = new FakeClock();
  registry = new CircuitBreakerRegistry();
  CircuitBreaker.registry = registry;
});

afterEach(() => {
  CircuitBreaker.registry = saved;
  registry.close();
});

/** A breaker on the test's clock. */
function breakerOf<A extends unknown[], R>(
  action: (...args: A) => R | Promise<R>,
  options: Options<A> = {},
): CircuitBreaker<A, R> {
  return new CircuitBreaker(action, { ...options, breakwater: { clock, ...options.breakwater } });
}

/** Resolves with `x` after `ms` of the test's clock, or rejects for x <= 0 (opossum's docs use such a function). */
function passFail(x: number): Promise<number> {
  return new Promise((resolve, reject) => {
    clock.setTimeout(() => (x > 0 ? resolve(x) : reject(new Error(`${x} is not positive`))), 10);
  });
}

/** Fires and lets the action's 10 ms pass. */
async function settle<T>(promise: Promise<T>): Promise<PromiseSettledResult<T>> {
  const outcome = Promise.allSettled([promise]);
  clock.advance(10);
  await flush();
  return (await outcome)[0] as PromiseSettledResult<T>;
}

describe('construction', () => {
  it('fills in opossum’s defaults without changing the caller’s options', () => {
    const options: Options<[number]> = { timeout: 500 };
    const breaker = breakerOf(passFail, options);
    expect(breaker.options).toMatchObject({
      timeout: 500,
      errorThresholdPercentage: 50,
      resetTimeout: 30_000,
      rollingCountTimeout: 10_000,
      rollingCountBuckets: 10,
      capacity: Number.MAX_SAFE_INTEGER,
    });
    expect(options).toEqual({ timeout: 500 });
    const defaults = breakerOf(passFail);
    expect(defaults.options.timeout).toBe(10_000);
    expect(defaults.breaker.options).toMatchObject({
      timeout: 10_000,
      resetTimeout: 30_000,
      minimumCalls: 1,
      window: { type: 'time', duration: 10_000, buckets: 10 },
    });
    expect(defaults.volumeThreshold).toBe(0);
    expect(defaults.enabled).toBe(true);
  });

  it('is named after its action (else a UUID), its group after its name', () => {
    expect(breakerOf(passFail).name).toBe('passFail');
    expect(breakerOf(passFail, { name: 'prices', group: 'shop' })).toMatchObject({
      name: 'prices',
      group: 'shop',
    });
    expect(breakerOf(passFail, { name: 'prices' }).group).toBe('prices');
    expect(breakerOf(() => 1).name).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('requires an action, and an abortController that can abort', () => {
    expect(() => new CircuitBreaker(undefined as never)).toThrow(TypeError);
    expect(() => breakerOf(passFail, { abortController: {} as AbortController })).toThrow(
      'Expected `abortController` to be an AbortController (with an abort() method)',
    );
  });

  it('joins the registry by name, as the breakwater breaker underneath', () => {
    const breaker = breakerOf(passFail, { name: 'inventory' });
    expect(breaker.breaker).toBeInstanceOf(Breaker);
    expect(registry.get('inventory')).toBe(breaker.breaker);
    // A second breaker with a taken name works, outside the registry.
    const twin = breakerOf(passFail, { name: 'inventory' });
    expect(registry.get('inventory')).toBe(breaker.breaker);
    expect(twin.breaker).not.toBe(breaker.breaker);
    breaker.shutdown();
    expect(registry.get('inventory')).toBeUndefined();
  });
});

describe('firing', () => {
  it('passes the arguments, with the action as `this`; call() takes the context', async () => {
    function lunch(this: { lunch: string }, item?: string): Promise<string> {
      return Promise.resolve(item ?? this.lunch);
    }
    lunch.lunch = 'tacos';
    const breaker = breakerOf(lunch);
    await expect(breaker.fire()).resolves.toBe('tacos');
    await expect(breaker.call({ lunch: 'sushi' })).resolves.toBe('sushi');
    await expect(breaker.call({ lunch: 'sushi' }, 'ramen')).resolves.toBe('ramen');
  });

  it('resolves a value that is not a function', async () => {
    await expect(new CircuitBreaker('foo').fire()).resolves.toBe('foo');
  });

  it('emits fire, success (with the latency) and failure (with the arguments)', async () => {
    const breaker = breakerOf(passFail, { errorThresholdPercentage: 100 });
    const events: unknown[][] = [];
    breaker.on('fire', (args) => events.push(['fire', args]));
    breaker.on('success', (result, latency) => events.push(['success', result, latency]));
    breaker.on('failure', (error, latency, args) =>
      events.push(['failure', (error as Error).message, latency, args]),
    );
    await settle(breaker.fire(3));
    await settle(breaker.fire(-1));
    expect(events).toEqual([
      ['fire', [3]],
      ['success', 3, 10],
      ['fire', [-1]],
      ['failure', '-1 is not positive', 10, [-1]],
    ]);
  });
});

describe('opening', () => {
  it('opens when the failure percentage in the window is above errorThresholdPercentage, not at it', async () => {
    const breaker = breakerOf(passFail);
    await settle(breaker.fire(1));
    await settle(breaker.fire(-1));
    expect(breaker.closed).toBe(true); // 50% is not above 50%
    await settle(breaker.fire(-1));
    expect(breaker.opened).toBe(true); // 67%
  });

  it('opens on the first failure by default (volumeThreshold 0), not before volumeThreshold fires', async () => {
    const eager = breakerOf(passFail);
    await settle(eager.fire(-1));
    expect(eager.opened).toBe(true);
    const patient = breakerOf(passFail, { volumeThreshold: 3 });
    await settle(patient.fire(-1));
    await settle(patient.fire(-1));
    expect(patient.closed).toBe(true);
    await settle(patient.fire(-1));
    expect(patient.opened).toBe(true);
  });

  it('forgets failures older than rollingCountTimeout', async () => {
    const breaker = breakerOf(passFail, { volumeThreshold: 2, rollingCountTimeout: 1000 });
    await settle(breaker.fire(-1));
    clock.advance(1000);
    await settle(breaker.fire(-1));
    expect(breaker.closed).toBe(true);
    expect(breaker.stats).toMatchObject({ fires: 1, failures: 1 });
  });

  it('refuses calls while open with EOPENBREAKER, a reject event, and the fallback', async () => {
    const breaker = breakerOf(passFail);
    const rejects: Error[] = [];
    breaker.on('reject', (error) => rejects.push(error));
    await settle(breaker.fire(-1));
    const refused = await breaker.fire(5).catch((e: unknown) => e);
    expect(refused).toMatchObject({ message: 'Breaker is open', code: 'EOPENBREAKER' });
    expect(CircuitBreaker.isOurError(refused)).toBe(true);
    expect(rejects).toEqual([refused]);
    breaker.fallback((x: number, error: Error) => `fallback for ${x}: ${error.message}`);
    await expect(breaker.fire(7)).resolves.toBe('fallback for 7: Breaker is open');
    expect(breaker.stats).toMatchObject({ fires: 3, rejects: 2, fallbacks: 1, failures: 1 });
  });

  it('an action’s own error is not ours', async () => {
    const breaker = breakerOf(passFail);
    const outcome = await settle(breaker.fire(-1));
    expect(outcome.status === 'rejected' && CircuitBreaker.isOurError(outcome.reason)).toBe(false);
  });
});

describe('half-open', () => {
  it('lets one trial through after resetTimeout; its success closes the breaker', async () => {
    const breaker = breakerOf(passFail, { resetTimeout: 1000 });
    const events: string[] = [];
    breaker.on('open', () => events.push('open'));
    breaker.on('halfOpen', (resetTimeout) => events.push(`halfOpen ${resetTimeout}`));
    breaker.on('close', () => events.push('close'));
    await settle(breaker.fire(-1));
    expect(breaker.pendingClose).toBe(false);
    clock.advance(1000);
    expect(events).toEqual(['open', 'halfOpen 1000']);
    expect(breaker.halfOpen && breaker.pendingClose).toBe(true);
    const trial = breaker.fire(1);
    expect(breaker.pendingClose).toBe(false);
    await expect(breaker.fire(2)).rejects.toMatchObject({ code: 'EOPENBREAKER' });
    clock.advance(10);
    await expect(trial).resolves.toBe(1);
    expect(breaker.closed).toBe(true);
    expect(events).toEqual(['open', 'halfOpen 1000', 'close']);
  });

  it('a failed trial opens it again for resetTimeout', async () => {
    const breaker = breakerOf(passFail, { resetTimeout: 1000 });
    await settle(breaker.fire(-1));
    clock.advance(1000);
    await settle(breaker.fire(-1));
    expect(breaker.opened).toBe(true);
    clock.advance(999);
    expect(breaker.opened).toBe(true);
    clock.advance(1);
    expect(breaker.halfOpen).toBe(true);
  });

  it('a call admitted before the breaker opened cannot close it when it succeeds (opossum #381)', async () => {
    // One slow success in flight while a failure opens the breaker.
    const b = breakerOf(
      (ms: number, ok: boolean) =>
        new Promise((resolve, reject) =>
          clock.setTimeout(() => (ok ? resolve('ok') : reject(new Error('no'))), ms),
        ),
    );
    const stillRunning = b.fire(100, true);
    await settle(b.fire(5, false));
    expect(b.opened).toBe(true);
    clock.advance(100);
    await expect(stillRunning).resolves.toBe('ok');
    expect(b.opened).toBe(true);
  });
});

describe('timeout', () => {
  it('fails a slow call with ETIMEDOUT, a timeout event and the abortController aborted', async () => {
    const abortController = new AbortController();
    const breaker = breakerOf((_x: number) => new Promise(() => {}), {
      timeout: 100,
      abortController,
      errorThresholdPercentage: 100,
    });
    const timeouts: unknown[][] = [];
    breaker.on('timeout', (error, latency, args) => timeouts.push([error.message, latency, args]));
    const call = breaker.fire(42);
    clock.advance(100);
    const error = await call.catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'Timed out after 100ms', code: 'ETIMEDOUT' });
    expect(CircuitBreaker.isOurError(error)).toBe(true);
    expect(timeouts).toEqual([['Timed out after 100ms', 100, [42]]]);
    expect(abortController.signal.aborted).toBe(true);
    expect(breaker.stats).toMatchObject({ timeouts: 1, failures: 1 });
  });

  it('autoRenewAbortController gives a fresh controller when the breaker half-opens', async () => {
    const breaker = breakerOf((_signal: AbortSignal) => new Promise(() => {}), {
      timeout: 100,
      resetTimeout: 1000,
      autoRenewAbortController: true,
    });
    const signal = breaker.getSignal() as AbortSignal;
    const call = breaker.fire(signal);
    clock.advance(100);
    await call.catch(() => {});
    expect(signal.aborted).toBe(true);
    expect(breaker.getSignal()).toBe(signal);
    clock.advance(1000);
    expect(breaker.halfOpen).toBe(true);
    expect(breaker.getSignal()?.aborted).toBe(false);
    expect(breaker.getAbortController()).not.toBeUndefined();
  });

  it('timeout: false or 0 means no timeout', () => {
    expect(breakerOf(passFail, { timeout: false }).breaker.options.timeout).toBe(false);
    expect(breakerOf(passFail, { timeout: 0 }).breaker.options.timeout).toBe(false);
  });
});

describe('errorFilter', () => {
  const failWithStatus = (status: number) =>
    Promise.reject(Object.assign(new Error(`status ${status}`), { statusCode: status }));
  const options: Options<[number]> = {
    errorFilter: (error: { statusCode: number }) => error.statusCode < 500,
  };

  it('hands the error back, counts a success and runs no fallback', async () => {
    const breaker = breakerOf(failWithStatus, options);
    const fallback = vi.fn(() => 'fallback');
    breaker.fallback(fallback);
    await expect(breaker.fire(404)).rejects.toMatchObject({ statusCode: 404 });
    expect(fallback).not.toHaveBeenCalled();
    expect(breaker.closed).toBe(true);
    expect(breaker.stats).toMatchObject({ successes: 1, failures: 0 });
    expect(breaker.breaker.metrics()).toMatchObject({ successfulCalls: 1, failedCalls: 0 });
  });

  it('receives the call’s arguments, and a filtered error closes a half-open breaker', async () => {
    const filter = vi.fn((error: { statusCode: number }, _status: number) => error.statusCode < 500);
    const breaker = breakerOf(failWithStatus, { errorFilter: filter, resetTimeout: 100 });
    await breaker.fire(500).catch(() => {});
    expect(breaker.opened).toBe(true);
    expect(filter).toHaveBeenCalledWith(expect.objectContaining({ statusCode: 500 }), 500);
    clock.advance(100);
    await breaker.fire(400).catch(() => {});
    expect(breaker.closed).toBe(true);
  });
});

describe('capacity', () => {
  it('refuses calls beyond capacity with ESEMLOCKED; a refusal is not a failure and never opens', async () => {
    const d = deferred<string>();
    const breaker = breakerOf(() => d.promise, { capacity: 1 });
    const locked: Error[] = [];
    breaker.on('semaphoreLocked', (error) => locked.push(error));
    const running = breaker.fire();
    expect(breaker.semaphore.count).toBe(0);
    const refused = await breaker.fire().catch((e: unknown) => e);
    expect(refused).toMatchObject({ message: 'Semaphore locked', code: 'ESEMLOCKED' });
    expect(locked).toEqual([refused]);
    expect(breaker.closed).toBe(true);
    expect(breaker.stats).toMatchObject({ semaphoreRejections: 1, failures: 0 });
    d.resolve('done');
    await running;
    expect(breaker.semaphore.count).toBe(1);
  });
});

describe('warm-up', () => {
  it('failures and timeouts do not open the breaker during rollingCountTimeout', async () => {
    const hang = (_x: number) => new Promise(() => {});
    const breaker = breakerOf(hang, { allowWarmUp: true, rollingCountTimeout: 1000, timeout: 100 });
    expect(breaker.warmUp).toBe(true);
    const call = breaker.fire(1);
    clock.advance(100);
    await expect(call).rejects.toMatchObject({ code: 'ETIMEDOUT' });
    expect(breaker.closed).toBe(true);
    expect(breaker.stats).toMatchObject({ timeouts: 1, failures: 1 });
    clock.advance(900);
    expect(breaker.warmUp).toBe(false);
    const after = breaker.fire(2);
    clock.advance(100);
    await after.catch(() => {});
    expect(breaker.opened).toBe(true);
  });
});

describe('status and stats', () => {
  it('counts in a rolling window that turns with the clock', async () => {
    const breaker = breakerOf(passFail, {
      rollingCountTimeout: 1000,
      rollingCountBuckets: 4,
      errorThresholdPercentage: 100,
    });
    await settle(breaker.fire(1));
    clock.advance(240);
    await settle(breaker.fire(-1));
    expect(breaker.status.window.map((b) => b.fires)).toEqual([1, 1, 0, 0]);
    expect(breaker.stats).toMatchObject({ fires: 2, successes: 1, failures: 1 });
    clock.advance(750);
    expect(breaker.stats).toMatchObject({ fires: 1, successes: 0, failures: 1 });
    clock.advance(250);
    expect(breaker.stats.fires).toBe(0);
  });

  it('gives opossum’s latency percentiles (nearest rank) and mean', async () => {
    const breaker = breakerOf(
      (ms: number) => new Promise((resolve) => clock.setTimeout(() => resolve(ms), ms)),
    );
    for (const ms of [10, 20, 30, 40]) {
      const call = breaker.fire(ms);
      clock.advance(ms);
      await call;
    }
    const { percentiles, latencyMean, latencyTimes } = breaker.stats;
    expect(latencyTimes).toEqual([10, 20, 30, 40]);
    expect(latencyMean).toBe(25);
    expect(percentiles).toMatchObject({ 0: 10, 0.25: 10, 0.5: 20, 0.75: 30, 0.9: 40, 1: 40 });
    const off = breakerOf(passFail, { rollingPercentilesEnabled: false });
    expect(off.stats.latencyMean).toBe(-1);
    expect(off.stats.percentiles[0.5]).toBe(-1);
  });

  it('starts from saved stats, and marks the slices where it opened', async () => {
    const status = CircuitBreaker.newStatus({ stats: { fires: 5, failures: 1 }, clock });
    expect(status).toBeInstanceOf(Status);
    const breaker = breakerOf(passFail, { status });
    await settle(breaker.fire(-1));
    expect(breaker.stats).toMatchObject({ fires: 6, failures: 2 });
    expect(breaker.opened).toBe(true);
    expect(breaker.status.window[0]?.isCircuitBreakerOpen).toBe(true);
  });

  it('turns on a rotateBucketController’s rotate events instead of the clock', async () => {
    const { EventEmitter } = await import('node:events');
    const rotate = new EventEmitter();
    const breaker = breakerOf(passFail, { rotateBucketController: rotate, rollingCountBuckets: 2 });
    await settle(breaker.fire(1));
    clock.advance(60_000);
    expect(breaker.stats.fires).toBe(1);
    rotate.emit('rotate');
    rotate.emit('rotate');
    expect(breaker.stats.fires).toBe(0);
    breaker.disable();
    expect(rotate.listenerCount('rotate')).toBe(0);
    breaker.enable();
    expect(rotate.listenerCount('rotate')).toBe(1);
  });

  it('emits snapshots at every slice only while something listens', () => {
    const breaker = breakerOf(passFail, { rollingCountTimeout: 1000 });
    expect(clock.pendingTimers).toBe(0);
    const snapshots: number[] = [];
    breaker.status.on('snapshot', (stats: { fires: number }) => snapshots.push(stats.fires));
    clock.advance(300);
    expect(snapshots).toEqual([0, 0, 0]);
    breaker.status.removeAllListeners('snapshot');
    clock.advance(300);
    expect(snapshots).toHaveLength(3);
  });

  it('keeps at most 1000 latencies per slice, the most recent', async () => {
    const breaker = breakerOf(
      (ms: number) => new Promise((resolve) => clock.setTimeout(() => resolve(ms), ms)),
      { rollingCountBuckets: 1, rollingCountTimeout: 1e9 },
    );
    for (let i = 0; i < 1500; i++) {
      const ms = i < 1000 ? 1 : 2;
      const call = breaker.fire(ms);
      clock.advance(ms);
      await call;
    }
    const { successes, latencyTimes } = breaker.stats;
    expect(successes).toBe(1500);
    expect(latencyTimes).toHaveLength(1000);
    expect(latencyTimes.filter((ms) => ms === 2)).toHaveLength(500);
  });
});

describe('cache and coalescing', () => {
  it('serves the last success for the same arguments, with cacheHit and cacheMiss', async () => {
    const action = vi.fn((x: number) => Promise.resolve(x * 2));
    const breaker = breakerOf(action, { cache: true, cacheTTL: 1000 });
    const events: string[] = [];
    breaker.on('cacheHit', () => events.push('hit'));
    breaker.on('cacheMiss', () => events.push('miss'));
    await breaker.fire(2);
    await flush();
    await expect(breaker.fire(2)).resolves.toBe(4);
    expect(action).toHaveBeenCalledTimes(1);
    clock.advance(0);
    expect(events).toEqual(['miss', 'hit']);
    expect(breaker.stats).toMatchObject({ cacheHits: 1, cacheMisses: 1, fires: 2, successes: 1 });
    expect(breaker.options.cacheTransport).toBeInstanceOf(MemoryCache);
    breaker.clearCache();
    await breaker.fire(2);
    expect(action).toHaveBeenCalledTimes(2);
  });

  it('uses cacheGetKey and a custom cacheTransport', async () => {
    const store = new Map<string, unknown>();
    const transport = {
      get: (k: string) => store.get(k),
      set: (k: string, v: unknown) => store.set(k, v),
      flush: () => store.clear(),
    };
    const action = vi.fn((id: number, _verbose: boolean) => Promise.resolve(`user ${id}`));
    const breaker = breakerOf(action, {
      cache: true,
      cacheGetKey: (id) => `user:${id}`,
      cacheTransport: transport,
    });
    await breaker.fire(1, true);
    await flush();
    expect([...store.keys()]).toEqual(['user:1']);
    await expect(breaker.fire(1, false)).resolves.toBe('user 1');
    expect(action).toHaveBeenCalledTimes(1);
    breaker.shutdown();
    expect(store.size).toBe(0);
  });

  it('coalesces concurrent calls with the same key into one', async () => {
    const d = deferred<string>();
    const action = vi.fn((_key: string) => d.promise);
    const breaker = breakerOf(action, { coalesce: true });
    const calls = [breaker.fire('a'), breaker.fire('a'), breaker.fire('b')];
    d.resolve('shared');
    await expect(Promise.all(calls)).resolves.toEqual(['shared', 'shared', 'shared']);
    expect(action).toHaveBeenCalledTimes(2);
    expect(breaker.stats).toMatchObject({ coalesceCacheHits: 1, coalesceCacheMisses: 2, successes: 2 });
    expect(breaker.breaker.metrics().coalesce).toMatchObject({ hits: 1, misses: 2 });
  });
});

describe('enable, disable, open, close, shutdown', () => {
  it('a disabled breaker calls the action straight (still emitting fire) and never opens', async () => {
    const breaker = breakerOf(passFail, { enabled: false });
    const fires = vi.fn();
    breaker.on('fire', fires);
    expect(breaker.enabled).toBe(false);
    await settle(breaker.fire(-1));
    await settle(breaker.fire(-1));
    expect(breaker.closed).toBe(true);
    expect(fires).toHaveBeenCalledTimes(2);
    breaker.enable();
    await settle(breaker.fire(-1));
    expect(breaker.opened).toBe(true);
  });

  it('open() and close() move it by hand', () => {
    const breaker = breakerOf(passFail, { resetTimeout: 500 });
    const events: string[] = [];
    breaker.on('open', () => events.push('open'));
    breaker.on('close', () => events.push('close'));
    breaker.open();
    breaker.open();
    expect(breaker.opened).toBe(true);
    breaker.close();
    expect(breaker.closed).toBe(true);
    breaker.open();
    clock.advance(500);
    expect(breaker.halfOpen).toBe(true);
    expect(events).toEqual(['open', 'close', 'open']);
  });

  it('shutdown() emits shutdown, drops listeners and refuses later calls with ESHUTDOWN', async () => {
    const breaker = breakerOf(passFail);
    const shutdown = vi.fn();
    breaker.on('shutdown', shutdown);
    breaker.shutdown();
    expect(shutdown).toHaveBeenCalledOnce();
    expect(breaker.listenerCount('shutdown')).toBe(0);
    expect(breaker).toMatchObject({ isShutdown: true, enabled: false, closed: false, opened: false });
    const error = await breaker.fire(1).catch((e: unknown) => e);
    expect(error).toMatchObject({ message: 'The circuit has been shutdown.', code: 'ESHUTDOWN' });
    expect(CircuitBreaker.isOurError(error)).toBe(true);
  });

  it('a throwing listener never reaches the caller', async () => {
    const breaker = breakerOf(passFail);
    breaker.on('success', () => {
      throw new Error('listener bug');
    });
    await expect(settle(breaker.fire(1))).resolves.toEqual({ status: 'fulfilled', value: 1 });
  });
});

describe('healthCheck', () => {
  it('runs now and every interval with the breaker as this; a rejection opens it', async () => {
    const breaker = breakerOf(passFail);
    let healthy = true;
    const seen: unknown[] = [];
    const failed = vi.fn();
    breaker.on('healthCheckFailed', failed);
    breaker.healthCheck(function (this: unknown) {
      seen.push(this);
      return healthy ? Promise.resolve() : Promise.reject(new Error('sick'));
    }, 1000);
    expect(seen).toEqual([breaker]);
    healthy = false;
    clock.advance(1000);
    await flush();
    expect(seen).toHaveLength(2);
    expect(failed).toHaveBeenCalledWith(new Error('sick'));
    expect(breaker.opened).toBe(true);
    breaker.shutdown();
    clock.advance(5000);
    expect(seen).toHaveLength(2);
  });

  it('checks its arguments', () => {
    const breaker = breakerOf(passFail);
    expect(() => breaker.healthCheck('nope' as never)).toThrow(TypeError);
    expect(() => breaker.healthCheck(() => Promise.resolve(), 'soon' as never)).toThrow(TypeError);
  });
});

describe('toJSON and state', () => {
  it('exports the state and the stats', async () => {
    const breaker = breakerOf(passFail);
    expect(breaker.toJSON().state).toEqual({
      name: 'passFail',
      enabled: true,
      closed: true,
      open: false,
      halfOpen: false,
      warmUp: false,
      shutdown: false,
      lastTimerAt: undefined,
    });
    await settle(breaker.fire(-1));
    const { state, status } = breaker.toJSON();
    expect(state).toMatchObject({ open: true, closed: false, lastTimerAt: clock.wallNow() });
    expect(status).toMatchObject({ fires: 1, failures: 1 });
  });

  it('resumes an open breaker for what is left of resetTimeout since it opened', () => {
    const lastTimerAt = clock.wallNow() - 600;
    const breaker = breakerOf(passFail, { resetTimeout: 1000, state: { closed: false, lastTimerAt } });
    expect(breaker.opened).toBe(true);
    clock.advance(400);
    expect(breaker.halfOpen).toBe(true);
    const late = breakerOf(passFail, {
      resetTimeout: 1000,
      state: { closed: false, lastTimerAt: lastTimerAt - 1000 },
    });
    expect(late.halfOpen).toBe(true);
    const halfOpen = breakerOf(passFail, { state: { closed: false, halfOpen: true } });
    expect(halfOpen.pendingClose).toBe(true);
    const shut = breakerOf(passFail, { state: { shutdown: true } });
    expect(shut.isShutdown).toBe(true);
  });
});

describe('shared state', () => {
  it('a registry with a store shares the opossum breakers’ state across instances', async () => {
    const store = new MemoryStore({ clock });
    const instances = [0, 1].map(() => new CircuitBreakerRegistry({ store, clock }));
    const [a, b] = instances.map((r) => {
      CircuitBreaker.registry = r;
      return breakerOf(passFail, { name: 'shared-api' });
    }) as [CircuitBreaker<[number], number>, CircuitBreaker<[number], number>];
    await settle(a.fire(-1));
    await flush();
    expect(a.opened).toBe(true);
    expect(b.opened).toBe(true);
    await expect(b.fire(1)).rejects.toMatchObject({ code: 'EOPENBREAKER' });
    for (const r of instances) r.close();
  });
});
