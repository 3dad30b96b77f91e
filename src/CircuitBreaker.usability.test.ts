import { describe, expect, expectTypeOf, it, vi } from 'vitest';
import { recordingLogger } from '../test/support/flush.js';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';
import { CircuitBreakerRegistry } from './registry/CircuitBreakerRegistry.js';

// What a new user tripped over, each guarded here.

describe('types follow the fallback', () => {
  it('a breaker is typed by its fallback’s result: call() resolves to T | F', async () => {
    const withFallback = new CircuitBreaker({ fallback: () => 42 });
    expectTypeOf(withFallback).toEqualTypeOf<CircuitBreaker<number>>();
    expectTypeOf(withFallback.call(async () => 'text')).toEqualTypeOf<Promise<string | number>>();
    const plain = new CircuitBreaker({ name: 'plain' });
    expectTypeOf(plain.call(async () => 'text')).toEqualTypeOf<Promise<string>>();
    expectTypeOf(
      new CircuitBreakerRegistry().register('r', { fallback: () => 1 }),
    ).toEqualTypeOf<CircuitBreaker>();
    const breaker = new CircuitBreaker({ clock: new FakeClock(), failureThreshold: 1, fallback: () => 42 });
    await breaker.call(() => Promise.reject(new Error('x')));
    await expect(breaker.call(async () => 'text')).resolves.toBe(42);
  });
});

describe('JavaScript typos outside the constructor are errors naming the closest name', () => {
  it('call(fn, { timout }) rejects without calling fn, and never throws', async () => {
    const breaker = new CircuitBreaker();
    const fn = vi.fn(async () => 1);
    let pending!: Promise<unknown>;
    expect(() => {
      pending = breaker.call(fn, { timout: 100 } as never);
    }).not.toThrow();
    await expect(pending).rejects.toThrow(
      new TypeError('Unknown option `options.timout`; did you mean `timeout`?'),
    );
    expect(fn).not.toHaveBeenCalled();
    expect(breaker.metrics().ignoredCalls).toBe(1);
  });

  it('acquire({ timout }) and tryAcquire({ timout }) throw a TypeError and admit nothing', () => {
    const breaker = new CircuitBreaker();
    expect(() => breaker.acquire({ timout: 5 } as never)).toThrow(
      new TypeError('Unknown option `options.timout`; did you mean `timeout`?'),
    );
    expect(() => breaker.tryAcquire({ timout: 5 } as never)).toThrow(TypeError);
    expect(breaker.metrics().inFlight).toBe(0);
  });

  it("on('opne') throws naming the event meant", () => {
    const breaker = new CircuitBreaker();
    expect(() => breaker.on('opne' as never, () => {})).toThrow(
      new TypeError('Unknown event `opne`; did you mean `open`?'),
    );
    expect(() => breaker.on('nothing-like-it' as never, () => {})).toThrow(
      /the events are stateChange, open/,
    );
  });

  it.each([
    [
      { errorThresholdPercentage: 50 },
      'use `failureRateThreshold: 0.5` (a share in (0, 1], not a percentage)',
    ],
    [{ volumeThreshold: 20 }, 'use `minimumCalls: 20`'],
    [{ halfOpenAfter: 10_000 }, 'use `resetTimeout: 10000`'],
    [{ capacity: 10 }, 'use `maxConcurrentCalls: 10`'],
    [{ slidingWindowSize: 50 }, "use `window: { type: 'count', size: 50 }`"],
    [{ waitDurationInOpenState: 5000 }, 'use `resetTimeout: 5000` (ms)'],
  ])('guides a migration from opossum, cockatiel or resilience4j: %j', (options, hint) => {
    const key = Object.keys(options)[0];
    expect(() => new CircuitBreaker(options as never)).toThrow(
      new TypeError(`Unknown option \`${key}\`; ${hint}`),
    );
  });
});

describe('small things', () => {
  it('wrap() forwards `this` and the arguments', async () => {
    const breaker = new CircuitBreaker();
    const client = {
      base: 'https://api.example',
      get: breaker.wrap(function (this: { base: string }, path: string) {
        return Promise.resolve(`${this.base}${path}`);
      }),
    };
    await expect(client.get('/users')).resolves.toBe('https://api.example/users');
  });

  it('retryAfter is a whole number of ms, rounded up (never early)', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, resetTimeout: 1000 });
    await breaker.call(() => Promise.reject(new Error('x'))).catch(() => {});
    clock.advance(0.25);
    await expect(breaker.call(async () => 1)).rejects.toMatchObject({ retryAfter: 1000 });
  });

  it('a manual open() is logged at warn (an operator’s action); a trip at error', async () => {
    const logger = recordingLogger();
    const breaker = new CircuitBreaker({ clock: new FakeClock(), logger, failureThreshold: 1 });
    breaker.open(1000);
    breaker.reset();
    await breaker.call(() => Promise.reject(new Error('x'))).catch(() => {});
    const opening = logger.lines.filter((line) => line.fields.state === 'open');
    expect(opening.map((line) => [line.level, line.fields.reason])).toEqual([
      ['warn', 'manual_open'],
      ['error', 'failure_threshold'],
    ]);
  });
});
