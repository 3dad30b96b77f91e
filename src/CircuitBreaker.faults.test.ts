import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { deferred, flush, recordingLogger } from '../test/support/flush.js';
import * as hostile from '../test/support/hostileValues.js';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';
import { Recorder } from './engine/Recorder.js';
import type { CircuitBreakerOptions } from './options.js';
import { CircuitBreakerRegistry } from './registry/CircuitBreakerRegistry.js';

// DESIGN section 11: call() never throws synchronously, and every admitted call settles exactly once
// and frees its slot, whatever `fn` returns or throws and whatever goes wrong while it is recorded.

let unhandled: ReturnType<typeof vi.fn<(reason: unknown) => void>>;
beforeEach(() => {
  unhandled = vi.fn<(reason: unknown) => void>();
  process.on('unhandledRejection', unhandled);
});
afterEach(async () => {
  await flush();
  process.off('unhandledRejection', unhandled);
  expect(unhandled).not.toHaveBeenCalled();
});

class BusinessError extends Error {}

/** What a call's promise did by the end of the current turns: `pending` if it never settled. */
async function settlement(promise: Promise<unknown>): Promise<'resolved' | 'rejected' | 'pending'> {
  let state: 'resolved' | 'rejected' | 'pending' = 'pending';
  promise.then(
    () => (state = 'resolved'),
    () => (state = 'rejected'),
  );
  await flush();
  await flush();
  return state;
}

const paths: Record<string, CircuitBreakerOptions> = {
  'fast path': {},
  'fast path, every call timed': { slowCallRateThreshold: 0.9 },
  'with a timeout': { timeout: 1000 },
  'with a fallback': { fallback: () => 'fallback' },
  'with exclude': { exclude: [BusinessError] },
  'with a bulkhead of 1': { maxConcurrentCalls: 1 },
};

describe('call() with hostile values from fn', () => {
  for (const [path, options] of Object.entries(paths)) {
    for (const [name, make] of Object.entries(hostile.hostileResults)) {
      it(`${path}: fn returning ${name} never throws synchronously, settles once, frees its slot`, async () => {
        const breaker = new CircuitBreaker({ clock: new FakeClock(), ...options });
        let promise: Promise<unknown> | undefined;
        expect(() => {
          promise = breaker.call(make);
        }).not.toThrow();
        expect(promise).toBeInstanceOf(Promise);
        expect(await settlement(promise!)).not.toBe('pending');
        const m = breaker.metrics();
        expect(m.inFlight).toBe(0);
        expect(m.successfulCalls + m.failedCalls + m.ignoredCalls).toBe(1);
        // The slot is free: the next call (a bulkhead of 1 included) is admitted.
        await expect(breaker.call(async () => 'next')).resolves.toBe('next');
      });
    }
    for (const [name, make] of Object.entries(hostile.hostileErrors)) {
      it(`${path}: fn throwing or rejecting with ${name} settles once and frees its slot`, async () => {
        const breaker = new CircuitBreaker({ clock: new FakeClock(), ...options });
        const thrown = breaker.call(() => {
          throw make();
        });
        const rejected = breaker.call(() => Promise.reject(make()));
        const outcomes = await Promise.all([settlement(thrown), settlement(rejected)]);
        expect(outcomes).not.toContain('pending');
        const m = breaker.metrics();
        expect(m.inFlight).toBe(0);
        expect(m.failedCalls + m.ignoredCalls + m.rejectedCalls).toBe(2);
        expect(typeof m.lastError).toBe('string');
      });
    }
  }

  it('a Proxy of a promise is an opaque failure; the caller gets a native promise that rejects', async () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock() });
    const promise = breaker.call(() => hostile.proxyOfPromise('x'));
    await expect(promise).rejects.toBeInstanceOf(TypeError);
    expect(breaker.metrics()).toMatchObject({ failedCalls: 1, inFlight: 0 });
  });

  it('a value whose getPrototypeOf trap throws is a success with that value, as await sees it', async () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock() });
    const value = hostile.unreadablePrototype();
    expect((await breaker.call(() => value)) === value).toBe(true);
    expect(breaker.metrics()).toMatchObject({ successfulCalls: 1, inFlight: 0 });
  });

  it('a thenable that settles twice counts once, with its first outcome', async () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock() });
    await expect(breaker.call(() => hostile.settlesTwice('first'))).resolves.toBe('first');
    await expect(breaker.call(() => hostile.rejectsTwice(new Error('first')))).rejects.toThrow('first');
    await flush();
    expect(breaker.metrics()).toMatchObject({ successfulCalls: 1, failedCalls: 1, inFlight: 0 });
  });

  it('a failed half-open trial with a hostile value frees its trial slot and re-opens', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, resetTimeout: 100 });
    await breaker.call(() => Promise.reject(new Error('down'))).catch(() => {});
    for (const make of Object.values(hostile.hostileResults)) {
      clock.advance(60_000);
      expect(breaker.state).toBe('half_open');
      await settlement(breaker.call(make));
      expect(breaker.metrics().inFlight).toBe(0);
      // Settled either way: the round decided (re-opened or closed), no slot held.
      expect(breaker.state === 'open' || breaker.state === 'closed').toBe(true);
      if (breaker.state === 'closed')
        await breaker.call(() => Promise.reject(new Error('down'))).catch(() => {});
    }
  });
});

describe('the issue 13 trigger: exclude with a rejection whose prototype cannot be read', () => {
  it('fast path: counted as a failure, slot freed, no unhandled rejection', async () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock(), exclude: [BusinessError] });
    await expect(breaker.call(() => Promise.reject(hostile.unreadableError()))).rejects.toBeDefined();
    expect(breaker.metrics()).toMatchObject({ failedCalls: 1, ignoredCalls: 0, inFlight: 0 });
  });

  it('a timed call still settles (its deadline was cancelled before it was recorded)', async () => {
    const logger = recordingLogger();
    const breaker = new CircuitBreaker({
      clock: new FakeClock(),
      logger,
      exclude: [BusinessError],
      timeout: 1000,
    });
    const promise = breaker.call(() => Promise.reject(hostile.unreadableError()));
    expect(await settlement(promise)).toBe('rejected');
    expect(breaker.metrics()).toMatchObject({ failedCalls: 1, inFlight: 0 });
    expect(logger.lines.some((l) => l.message?.includes('include/exclude could not classify'))).toBe(true);
  });

  it('permit.failure() with it: classified as a failure, slot freed', () => {
    const breaker = new CircuitBreaker({
      clock: new FakeClock(),
      exclude: [BusinessError],
      maxConcurrentCalls: 1,
    });
    const permit = breaker.acquire();
    expect(() => permit.failure(hostile.unreadableError())).not.toThrow();
    expect(breaker.metrics()).toMatchObject({ failedCalls: 1, inFlight: 0 });
    expect(breaker.tryAcquire()).toBeDefined();
  });
});

describe('callSync, wrap, permits and the probe with hostile values', () => {
  it('callSync: a promise it refuses, whatever its then does, is ignored and frees its slot', () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock(), maxConcurrentCalls: 1 });
    for (const make of [hostile.proxyOfPromise, hostile.promiseWithThrowingThen, hostile.settlesTwice]) {
      expect(() => breaker.callSync(make)).toThrow(/use call\(\)/);
    }
    expect(() => breaker.callSync(hostile.throwingThenGetter)).toThrow('then getter');
    expect(() => breaker.callSync(hostile.revokedProxy)).toThrow(TypeError);
    const value = hostile.unreadablePrototype();
    expect(breaker.callSync(() => value) === value).toBe(true);
    expect(breaker.metrics()).toMatchObject({
      inFlight: 0,
      ignoredCalls: 3,
      failedCalls: 2,
      successfulCalls: 1,
    });
  });

  it('wrap: a wrapped hostile function rejects, never throws', async () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock() });
    const wrapped = breaker.wrap(() => hostile.promiseWithThrowingThen());
    await expect(wrapped()).rejects.toThrow('own then');
    expect(breaker.metrics().inFlight).toBe(0);
  });

  it('permits: success() with a hostile result and failure() with a hostile error never throw', () => {
    const breaker = new CircuitBreaker({
      clock: new FakeClock(),
      isResultFailure: (value) => (value as { status?: number }).status === 503,
      exclude: [BusinessError],
    });
    for (const make of [...Object.values(hostile.hostileResults), ...Object.values(hostile.hostileErrors)]) {
      const ok = breaker.acquire({ timeout: 100 });
      expect(() => ok.success(make())).not.toThrow();
      const bad = breaker.acquire();
      expect(() => bad.failure(make())).not.toThrow();
    }
    expect(breaker.metrics().inFlight).toBe(0);
    expect(() => breaker.metrics()).not.toThrow();
  });

  it('the probe: a probe returning a promise whose then throws re-opens the breaker, no crash', async () => {
    const clock = new FakeClock();
    const probes = [hostile.promiseWithThrowingThen, hostile.proxyOfPromise, hostile.revokedProxy];
    let round = 0;
    const breaker = new CircuitBreaker({
      clock,
      failureThreshold: 1,
      resetTimeout: 100,
      probe: () => probes[round++ % probes.length]!(),
    });
    await breaker.call(() => Promise.reject(new Error('down'))).catch(() => {});
    for (let i = 0; i < probes.length; i++) {
      clock.advance(60_000);
      await flush();
      expect(breaker.state).toBe('open');
      expect(breaker.metrics().inFlight).toBe(0);
    }
    expect(round).toBe(probes.length);
  });
});

describe('settling never throws', () => {
  it('when recording a success throws anyway, the caller still gets its value and the slot is freed', async () => {
    const logger = recordingLogger();
    vi.spyOn(Recorder.prototype, 'success').mockImplementation(() => {
      throw new Error('bookkeeping');
    });
    for (const options of [
      {},
      { timeout: 1000 },
      { fallback: () => 'fallback' },
    ] as CircuitBreakerOptions[]) {
      const breaker = new CircuitBreaker({
        clock: new FakeClock(),
        logger,
        maxConcurrentCalls: 1,
        ...options,
      });
      await expect(breaker.call(async () => 'value')).resolves.toBe('value');
      expect(breaker.metrics().inFlight).toBe(0);
      expect(breaker.isAvailable()).toBe(true);
      expect(breaker.callSync(() => 'sync')).toBe('sync');
      const permit = breaker.acquire();
      expect(() => permit.success()).not.toThrow();
      expect(breaker.metrics().inFlight).toBe(0);
    }
    expect(logger.lines.filter((l) => l.message?.includes('recording a call failed')).length).toBeGreaterThan(
      0,
    );
  });

  it('when recording a failure throws anyway, a timed call still rejects and a trial slot is given back', async () => {
    vi.spyOn(Recorder.prototype, 'failure').mockImplementation(() => {
      throw new Error('bookkeeping');
    });
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, timeout: 1000, failureThreshold: 1, resetTimeout: 100 });
    const error = new Error('down');
    expect(await settlement(breaker.call(() => Promise.reject(error)))).toBe('rejected');
    const hanging = breaker.call(() => deferred().promise);
    clock.advance(1000); // its timeout: recording the timeout throws too
    expect(await settlement(hanging)).toBe('rejected');
    expect(breaker.metrics().inFlight).toBe(0);
    // A half-open trial whose failure cannot be recorded frees its slot: the next trial is admitted.
    breaker.open(100);
    clock.advance(100);
    expect(breaker.state).toBe('half_open');
    expect(await settlement(breaker.call(() => Promise.reject(error)))).toBe('rejected');
    expect(breaker.isAvailable()).toBe(true);
  });
});

describe('hostile arguments to call()', () => {
  const readable = () => ({ aborted: false, addEventListener() {}, removeEventListener() {} });

  it('per-call options that cannot be read reject the call without calling fn, never throw', async () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock() });
    const fn = vi.fn(async () => 'ran');
    const hostileOptions: unknown[] = [
      hostile.revokedProxy(),
      Object.defineProperty({}, 'timeout', { enumerable: true, get: hostile.thrower('timeout getter') }),
      { signal: Object.defineProperty(readable(), 'aborted', { get: hostile.thrower('aborted getter') }) },
      { timeout: hostile.revokedProxy() },
    ];
    for (const options of hostileOptions) {
      let promise: Promise<unknown> | undefined;
      expect(() => {
        promise = breaker.call(fn, options as never);
      }).not.toThrow();
      expect(await settlement(promise!)).toBe('rejected');
    }
    expect(fn).not.toHaveBeenCalled();
    expect(breaker.metrics()).toMatchObject({ inFlight: 0, ignoredCalls: hostileOptions.length });
  });

  it('fn that is not a function, a revoked Proxy included, rejects with a TypeError', async () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock() });
    for (const options of [undefined, { timeout: 100 }]) {
      await expect(breaker.call(hostile.revokedProxy() as never, options)).rejects.toThrow(
        'Expected `fn` to be a function, got `[unprintable value]`',
      );
    }
  });

  it('a caller signal whose reason getter throws still aborts the call, with that error', async () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock() });
    const controller = new AbortController();
    const signal = new Proxy(controller.signal, {
      get(target, key) {
        if (key === 'reason' && target.aborted) throw new Error('reason getter');
        const value = Reflect.get(target, key, target);
        return typeof value === 'function' ? value.bind(target) : value;
      },
    });
    const promise = breaker.call(() => deferred().promise, { signal });
    controller.abort();
    await expect(promise).rejects.toThrow('reason getter');
    expect(breaker.metrics()).toMatchObject({ inFlight: 0, ignoredCalls: 1 });
  });
});

describe('metrics() never throws', () => {
  it('a revoked Proxy as the last failure reads [unprintable value]; health() and statuses() work', async () => {
    const registry = new CircuitBreakerRegistry({ defaults: { clock: new FakeClock() } });
    const breaker = registry.register('db', { failureThreshold: 1 });
    await breaker.call(() => Promise.reject(hostile.revokedProxy())).catch(() => {});
    expect(breaker.metrics()).toMatchObject({ state: 'open', lastError: '[unprintable value]' });
    expect(registry.health().status).toBe('degraded');
    expect(registry.statuses()[0]?.metrics.lastError).toBe('[unprintable value]');
  });

  it('an error whose getters and conversions throw is described safely', async () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock() });
    for (const make of Object.values(hostile.hostileErrors)) {
      await breaker.call(() => Promise.reject(make())).catch(() => {});
      expect(typeof breaker.metrics().lastError).toBe('string');
    }
  });

  it('a result marked by isResultFailure reads by its status: Response 503 Service Unavailable', async () => {
    const breaker = new CircuitBreaker({
      clock: new FakeClock(),
      isResultFailure: (response) => (response as Response).status >= 500,
    });
    const response = await breaker.call(
      async () => new Response(null, { status: 503, statusText: 'Service Unavailable' }),
    );
    expect(response.status).toBe(503);
    expect(breaker.metrics().lastError).toBe('Response 503 Service Unavailable');
  });
});
