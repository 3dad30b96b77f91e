import { describe, expect, it, vi } from 'vitest';
import { deferred, flush } from '../test/support/flush.js';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';
import { CircuitBreakerOpenError } from './errors/CircuitBreakerOpenError.js';
import { CircuitBreakerTimeoutError } from './errors/CircuitBreakerTimeoutError.js';
import type { CircuitBreakerOptions } from './options.js';
import { protect } from './protect.js';
import { CircuitBreakerRegistry } from './registry/CircuitBreakerRegistry.js';

function setup(options: CircuitBreakerOptions = {}) {
  const clock = new FakeClock();
  return { clock, breaker: new CircuitBreaker({ name: 'dep', clock, ...options }) };
}

describe('cache', () => {
  it('serves a recent success for the same key without calling the function', async () => {
    const { breaker } = setup({ cache: { ttl: 1000 } });
    const fn = vi.fn(() => Promise.resolve('v1'));
    const events: string[] = [];
    breaker.on('cacheHit', ({ key }) => events.push(`hit ${key}`));
    breaker.on('cacheMiss', ({ key }) => events.push(`miss ${key}`));
    await expect(breaker.call(fn, { key: 'a' })).resolves.toBe('v1');
    await flush();
    await expect(breaker.call(fn, { key: 'a' })).resolves.toBe('v1');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(events).toEqual(['miss a', 'hit a']);
    expect(breaker.metrics()).toMatchObject({
      totalCalls: 1,
      successfulCalls: 1,
      cache: { hits: 1, misses: 1, size: 1 },
      coalesce: null,
    });
  });

  it('never caches a failure, nor a value isResultFailure marks', async () => {
    const { breaker } = setup({
      cache: { ttl: 1000 },
      isResultFailure: (v) => v === 503,
      failureThreshold: 10,
    });
    const fail = vi.fn(() => Promise.reject(new Error('down')));
    await expect(breaker.call(fail, { key: 'a' })).rejects.toThrow('down');
    await flush();
    await expect(breaker.call(fail, { key: 'a' })).rejects.toThrow('down');
    expect(fail).toHaveBeenCalledTimes(2);
    const unavailable = vi.fn(() => Promise.resolve(503));
    await breaker.call(unavailable, { key: 'b' });
    await flush();
    await breaker.call(unavailable, { key: 'b' });
    expect(unavailable).toHaveBeenCalledTimes(2);
    expect(breaker.metrics().cache).toMatchObject({ hits: 0, size: 0 });
  });

  it('forgets a value once its ttl has passed', async () => {
    const { clock, breaker } = setup({ cache: { ttl: 100 } });
    const fn = vi.fn(() => Promise.resolve('v'));
    await breaker.call(fn, { key: 'a' });
    await flush();
    clock.advance(99);
    await breaker.call(fn, { key: 'a' });
    expect(fn).toHaveBeenCalledTimes(1);
    clock.advance(1);
    await breaker.call(fn, { key: 'a' });
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('holds at most maxEntries, evicting the least recently used', async () => {
    const { breaker } = setup({ cache: { ttl: 1000, maxEntries: 2 } });
    const fn = vi.fn((key: string) => Promise.resolve(key));
    const get = (key: string) => breaker.call(() => fn(key), { key });
    await get('a');
    await get('b');
    await flush();
    await get('a'); // a is now the most recently used
    await get('c'); // evicts b
    await flush();
    expect(breaker.metrics().cache?.size).toBe(2);
    fn.mockClear();
    await get('a');
    await get('b');
    expect(fn.mock.calls.map(([key]) => key)).toEqual(['b']);
  });

  it('never caches or serves a call without a key', async () => {
    const { breaker } = setup({ cache: { ttl: 1000 } });
    const fn = vi.fn(() => Promise.resolve('v'));
    await breaker.call(fn);
    await breaker.call(fn, {});
    await flush();
    await breaker.call(fn);
    expect(fn).toHaveBeenCalledTimes(3);
    expect(breaker.metrics().cache).toEqual({ hits: 0, misses: 0, size: 0 });
  });

  it('serves cached values while the breaker is open; other keys are refused', async () => {
    const { breaker } = setup({ cache: { ttl: 60_000 } });
    await breaker.call(() => Promise.resolve('kept'), { key: 'a' });
    await flush();
    breaker.open();
    await expect(breaker.call(() => Promise.resolve('new'), { key: 'a' })).resolves.toBe('kept');
    await expect(breaker.call(() => Promise.resolve('new'), { key: 'b' })).rejects.toBeInstanceOf(
      CircuitBreakerOpenError,
    );
  });

  it('clearCache() forgets one key or all of them', async () => {
    const { breaker } = setup({ cache: { ttl: 60_000 } });
    const fn = vi.fn(() => Promise.resolve('v'));
    await breaker.call(fn, { key: 'a' });
    await breaker.call(fn, { key: 'b' });
    await flush();
    breaker.clearCache('a');
    await breaker.call(fn, { key: 'a' });
    await breaker.call(fn, { key: 'b' });
    expect(fn).toHaveBeenCalledTimes(3);
    await flush();
    breaker.clearCache();
    expect(breaker.metrics().cache?.size).toBe(0);
  });

  it('keys wrapped calls by their arguments as JSON, or by cache.key', async () => {
    const { breaker } = setup({ cache: { ttl: 1000 } });
    const fetchUser = vi.fn((id: number, full: boolean) => Promise.resolve({ id, full }));
    const wrapped = breaker.wrap(fetchUser);
    await wrapped(1, true);
    await flush();
    await wrapped(1, true);
    await wrapped(1, false);
    expect(fetchUser).toHaveBeenCalledTimes(2);

    const custom = setup({ cache: { ttl: 1000, key: (id: number) => `user:${id}` } }).breaker;
    const byId = custom.wrap(fetchUser);
    fetchUser.mockClear();
    await byId(2, true);
    await flush();
    await expect(byId(2, false)).resolves.toEqual({ id: 2, full: true });
    expect(fetchUser).toHaveBeenCalledTimes(1);
  });

  it('a key function that throws, or returns no string, rejects the wrapped call', async () => {
    const throwing = setup({
      cache: {
        ttl: 1000,
        key: () => {
          throw new Error('no key');
        },
      },
    }).breaker;
    await expect(throwing.wrap(() => 1)()).rejects.toThrow('no key');
    const numeric = setup({ cache: { ttl: 1000, key: (() => 5) as unknown as () => string } }).breaker;
    await expect(numeric.wrap(() => 1)()).rejects.toThrow(TypeError);
  });

  it('@protect keys its calls when the breaker caches', async () => {
    const registry = new CircuitBreakerRegistry({ defaults: { cache: { ttl: 1000 } } });
    const load = vi.fn((id: string) => Promise.resolve(`item ${id}`));
    // Applied as the standard decorator is (the test runner does not compile decorators).
    const item = protect('items', { registry })(async (id: string): Promise<string> => load(id), {
      kind: 'method',
      name: 'item',
    } as ClassMethodDecoratorContext<unknown, (id: string) => Promise<string>>);
    await item('x');
    await flush();
    await expect(item('x')).resolves.toBe('item x');
    expect(load).toHaveBeenCalledTimes(1);
  });

  it('rejects a per-call key that is not a string, without calling the function', async () => {
    const { breaker } = setup({ cache: { ttl: 1000 } });
    const fn = vi.fn(() => 1);
    await expect(breaker.call(fn, { key: 7 as unknown as string })).rejects.toThrow(
      'Expected `options.key` to be a string, got `7`',
    );
    expect(fn).not.toHaveBeenCalled();
  });

  it('validates its options, naming them', () => {
    expect(() => new CircuitBreaker({ cache: { ttl: 0 } })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ cache: {} as { ttl: number } })).toThrow(
      'Expected `cache.ttl` to be a duration in ms > 0 (Infinity for no limit), got `undefined`',
    );
    expect(() => new CircuitBreaker({ cache: { ttl: 10, maxEntrys: 3 } as never })).toThrow(
      'did you mean `cache.maxEntries`?',
    );
    expect(() => new CircuitBreaker({ cache: { ttl: 10, maxEntries: 0 } })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ coalesce: 'yes' as never })).toThrow(TypeError);
    expect(() => new CircuitBreaker({ coalesce: { ttl: -1 } })).toThrow(RangeError);
    expect(new CircuitBreaker({ coalesce: true }).options.coalesce?.ttl).toBe(Number.POSITIVE_INFINITY);
  });
});

describe('coalesce', () => {
  it('shares one call in flight among callers with the same key', async () => {
    const { breaker } = setup({ coalesce: true });
    const d = deferred<string>();
    const fn = vi.fn(() => d.promise);
    const events: string[] = [];
    breaker.on('coalesceHit', ({ key }) => events.push(`hit ${key}`));
    breaker.on('coalesceMiss', ({ key }) => events.push(`miss ${key}`));
    const calls = [
      breaker.call(fn, { key: 'a' }),
      breaker.call(fn, { key: 'a' }),
      breaker.call(fn, { key: 'a' }),
    ];
    expect(breaker.metrics().coalesce).toEqual({ hits: 2, misses: 1, inFlight: 1 });
    d.resolve('shared');
    await expect(Promise.all(calls)).resolves.toEqual(['shared', 'shared', 'shared']);
    expect(fn).toHaveBeenCalledTimes(1);
    expect(events).toEqual(['miss a', 'hit a', 'hit a']);
    expect(breaker.metrics()).toMatchObject({ totalCalls: 1, successfulCalls: 1, coalesce: { inFlight: 0 } });
  });

  it('shares an error too, counted once', async () => {
    const { breaker } = setup({ coalesce: true, failureThreshold: 5 });
    const d = deferred<string>();
    const calls = [breaker.call(() => d.promise, { key: 'a' }), breaker.call(() => d.promise, { key: 'a' })];
    const error = new Error('down');
    d.reject(error);
    const outcomes = await Promise.allSettled(calls);
    expect(outcomes).toEqual([
      { status: 'rejected', reason: error },
      { status: 'rejected', reason: error },
    ]);
    expect(breaker.metrics()).toMatchObject({ failedCalls: 1, totalCalls: 1 });
  });

  it('shares only calls in flight: a call after one settled makes its own', async () => {
    const { breaker } = setup({ coalesce: true });
    const fn = vi.fn(() => Promise.resolve('v'));
    await breaker.call(fn, { key: 'a' });
    await flush();
    await breaker.call(fn, { key: 'a' });
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('does not join a call older than ttl; the new call is the one shared from then on', async () => {
    const { clock, breaker } = setup({ coalesce: { ttl: 100 } });
    const first = deferred<string>();
    const second = deferred<string>();
    const a = breaker.call(() => first.promise, { key: 'k' });
    clock.advance(100);
    const b = breaker.call(() => second.promise, { key: 'k' });
    const c = breaker.call(() => Promise.resolve('unused'), { key: 'k' });
    first.resolve('old');
    second.resolve('new');
    await expect(Promise.all([a, b, c])).resolves.toEqual(['old', 'new', 'new']);
  });

  it('gives each caller its own timeout; the call it joined goes on and is counted once', async () => {
    const { clock, breaker } = setup({ coalesce: true, timeout: 1000, failureThreshold: 5 });
    const d = deferred<string>();
    const leader = breaker.call(() => d.promise, { key: 'a' });
    clock.advance(500);
    const follower = breaker.call(() => d.promise, { key: 'a', timeout: 100 });
    clock.advance(100);
    await expect(follower).rejects.toBeInstanceOf(CircuitBreakerTimeoutError);
    d.resolve('late but in time');
    await expect(leader).resolves.toBe('late but in time');
    expect(breaker.metrics()).toMatchObject({ totalCalls: 1, successfulCalls: 1, timeouts: 0 });
  });

  it('gives each caller its own fallback', async () => {
    const { breaker } = setup({ coalesce: true, fallback: () => 'breaker fallback' });
    const d = deferred<string>();
    const a = breaker.call(() => d.promise, { key: 'a' });
    const b = breaker.call(() => d.promise, { key: 'a', fallback: () => 'own fallback' });
    d.reject(new Error('down'));
    await expect(Promise.all([a, b])).resolves.toEqual(['breaker fallback', 'own fallback']);
    expect(breaker.metrics().fallbacks).toBe(2);
  });

  it('does not share a call made with a signal: its abort reaches no one else', async () => {
    const { breaker } = setup({ coalesce: true });
    const controller = new AbortController();
    const d = deferred<string>();
    const fn = vi.fn(() => d.promise);
    const aborted = breaker.call(fn, { key: 'a', signal: controller.signal });
    const other = breaker.call(fn, { key: 'a' });
    controller.abort(new Error('gave up'));
    await expect(aborted).rejects.toThrow('gave up');
    d.resolve('fine');
    await expect(other).resolves.toBe('fine');
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('a caller with a signal may join a shared call, and leave it on abort', async () => {
    const { breaker } = setup({ coalesce: true });
    const controller = new AbortController();
    const d = deferred<string>();
    const leader = breaker.call(() => d.promise, { key: 'a' });
    const joined = breaker.call(() => d.promise, { key: 'a', signal: controller.signal });
    controller.abort(new Error('left'));
    await expect(joined).rejects.toThrow('left');
    d.resolve('done');
    await expect(leader).resolves.toBe('done');
  });

  it('cache first, then coalescing: one key for both', async () => {
    const { breaker } = setup({ cache: { ttl: 1000, key: (id: string) => id }, coalesce: true });
    expect(breaker.options.coalesce?.key).toBe(breaker.options.cache?.key);
    const d = deferred<string>();
    const fn = vi.fn((_id: string) => d.promise);
    const wrapped = breaker.wrap(fn);
    const calls = [wrapped('x'), wrapped('x')];
    d.resolve('value');
    await Promise.all(calls);
    await flush();
    await expect(wrapped('x')).resolves.toBe('value');
    expect(fn).toHaveBeenCalledTimes(1);
    expect(breaker.metrics()).toMatchObject({
      cache: { hits: 1, misses: 2 },
      coalesce: { hits: 1, misses: 1 },
    });
  });
});
