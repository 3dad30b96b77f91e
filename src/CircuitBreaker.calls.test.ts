import { describe, expect, it, vi } from 'vitest';
import { deferred, flush } from '../test/support/flush.js';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';
import { BulkheadFullError } from './errors/BulkheadFullError.js';
import { CircuitBreakerOpenError } from './errors/CircuitBreakerOpenError.js';
import { CircuitBreakerTimeoutError } from './errors/CircuitBreakerTimeoutError.js';
import type { CallContext, CircuitBreakerOptions } from './options.js';

const ok = () => Promise.resolve('ok');
const boom = () => Promise.reject(new Error('boom'));
const never = () => new Promise<string>(() => {});

function setup(options: CircuitBreakerOptions = {}) {
  const clock = new FakeClock();
  return { clock, breaker: new CircuitBreaker({ name: 'dep', clock, ...options }) };
}

describe('timeout', () => {
  it('aborts the call’s signal, rejects with CircuitBreakerTimeoutError and counts a failure', async () => {
    const { clock, breaker } = setup({ timeout: 100, failureThreshold: 1 });
    let signal: AbortSignal | undefined;
    const call = breaker.call((ctx) => {
      signal = ctx.signal;
      return never();
    });
    clock.advance(100);
    const error = await call.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CircuitBreakerTimeoutError);
    expect(error).toMatchObject({ code: 'ERR_CIRCUIT_TIMEOUT', timeout: 100 });
    expect(signal?.aborted).toBe(true);
    expect(signal?.reason).toBe(error);
    expect(breaker.metrics()).toMatchObject({ failedCalls: 1, timeouts: 1, state: 'open' });
  });

  it('ignores the function’s late outcome', async () => {
    const { clock, breaker } = setup({ timeout: 100, failureThreshold: 5 });
    const d = deferred<string>();
    const call = breaker.call(() => d.promise);
    clock.advance(100);
    await expect(call).rejects.toThrow(CircuitBreakerTimeoutError);
    d.resolve('late');
    await flush();
    expect(breaker.metrics()).toMatchObject({ failedCalls: 1, successfulCalls: 0, totalCalls: 1 });
  });

  it('a per-call timeout overrides the breaker’s, and false switches it off', async () => {
    const { clock, breaker } = setup({ timeout: 100 });
    const short = breaker.call(never, { timeout: 10 });
    const none = breaker.call(ok, { timeout: false });
    clock.advance(20);
    await expect(short).rejects.toMatchObject({ timeout: 10 });
    await expect(none).resolves.toBe('ok');
    expect(clock.refedTimers).toBe(0);
  });

  it('creates the signal only when fn reads it; a signal read after the timeout is already aborted', async () => {
    const { clock, breaker } = setup({ timeout: 50 });
    let ctx: CallContext | undefined;
    const call = breaker.call((c) => {
      ctx = c;
      return never();
    });
    clock.advance(50);
    await call.catch(() => {});
    expect(ctx?.signal.aborted).toBe(true);
    expect(ctx?.signal.reason).toBeInstanceOf(CircuitBreakerTimeoutError);
  });

  it('releases the shared timer the moment the call settles', async () => {
    const { clock, breaker } = setup({ timeout: 1000 });
    const calls = Array.from({ length: 50 }, () => breaker.call(ok));
    expect(clock.pendingTimers).toBe(1); // one per deadline bucket, not one per call
    await Promise.all(calls);
    expect(clock.refedTimers).toBe(0); // released: nothing keeps the process alive
  });
});

describe('timed calls (DESIGN section 12)', () => {
  it('with a breaker timeout every call is timed, sampling or not', async () => {
    const { clock, breaker } = setup({ timeout: 1000 });
    for (let i = 0; i < 20; i++) {
      await breaker.call(() => {
        clock.advance(7);
        return ok();
      });
    }
    expect(breaker.latencyHistogram().count).toBe(20);
    expect(breaker.metrics().latency.max).toBe(7);
  });

  it('with a per-call timeout, and for a permit with a timeout, every call is timed', async () => {
    const { clock, breaker } = setup({ latencySampling: 0 });
    for (let i = 0; i < 5; i++) {
      await breaker.call(
        () => {
          clock.advance(3);
          return ok();
        },
        { timeout: 1000 },
      );
    }
    for (let i = 0; i < 5; i++) {
      const permit = breaker.acquire({ timeout: 1000 });
      clock.advance(3);
      permit.success();
    }
    await breaker.call(ok); // no timeout, latencySampling 0: not timed
    expect(breaker.latencyHistogram().count).toBe(10);
  });

  it('a call that timed out is recorded at its timeout, not when the shared timer fired', async () => {
    const { clock, breaker } = setup({ timeout: 500, failureThreshold: false, latencySampling: 1 });
    clock.advance(3); // off the timer grain: the deadline bucket is at 510, the timeout at 503
    const call = breaker.call(never);
    clock.advance(600);
    await expect(call).rejects.toThrow(CircuitBreakerTimeoutError);
    const permit = breaker.acquire({ timeout: 250 });
    clock.advance(600);
    expect(permit.settled).toBe(true);
    const histogram = breaker.latencyHistogram();
    expect(histogram.count).toBe(2);
    expect(histogram.sum).toBe(750);
    expect(breaker.metrics().latency.max).toBe(500);
  });
});

describe('the caller’s signal', () => {
  it('rejects at once with signal.reason, aborts fn’s signal and ignores the outcome', async () => {
    const { breaker } = setup({ failureThreshold: 1 });
    const controller = new AbortController();
    let inner: AbortSignal | undefined;
    const call = breaker.call(
      (ctx) => {
        inner = ctx.signal;
        return never();
      },
      { signal: controller.signal, fallback: () => 'not for aborts' },
    );
    const reason = new Error('user left');
    controller.abort(reason);
    await expect(call).rejects.toBe(reason);
    expect(inner?.aborted).toBe(true);
    expect(breaker.metrics()).toMatchObject({
      ignoredCalls: 1,
      failedCalls: 0,
      fallbacks: 0,
      state: 'closed',
    });
  });

  it('aborts fn’s own signal when a timeout is set too', async () => {
    const { breaker } = setup({ timeout: 1000 });
    const controller = new AbortController();
    let inner: AbortSignal | undefined;
    const call = breaker.call(
      (ctx) => {
        inner = ctx.signal;
        return never();
      },
      { signal: controller.signal },
    );
    controller.abort('stop');
    await expect(call).rejects.toBe('stop');
    expect(inner?.reason).toBe('stop');
  });

  it('an already aborted signal rejects without calling fn', async () => {
    const { breaker } = setup();
    const fn = vi.fn(ok);
    await expect(breaker.call(fn, { signal: AbortSignal.abort('gone') })).rejects.toBe('gone');
    expect(fn).not.toHaveBeenCalled();
    expect(breaker.metrics().ignoredCalls).toBe(1);
  });

  it('rejects invalid per-call options without throwing synchronously', async () => {
    const { breaker } = setup();
    await expect(breaker.call(ok, { timeout: -5 })).rejects.toThrow(
      'Expected `options.timeout` to be a duration in ms > 0, or false, got `-5`',
    );
    await expect(breaker.call(ok, { signal: 'x' as never })).rejects.toThrow('`options.signal`');
  });
});

describe('fallback', () => {
  it('runs on rejection while open, and on failures', async () => {
    const { breaker } = setup({
      failureThreshold: 1,
      fallback: (error) => `fallback for ${(error as Error).name}`,
    });
    await expect(breaker.call(boom)).resolves.toBe('fallback for Error');
    await expect(breaker.call(ok)).resolves.toBe('fallback for CircuitBreakerOpenError');
    expect(breaker.metrics()).toMatchObject({ fallbacks: 2, failedCalls: 1, rejectedCalls: 1 });
  });

  it('a per-call fallback overrides the breaker’s and receives the call context', async () => {
    const { breaker } = setup({ fallback: () => 'breaker' });
    const perCall = vi.fn((_error: unknown, ctx: CallContext) => (ctx.signal.aborted ? 'aborted' : 'call'));
    await expect(breaker.call(boom, { fallback: perCall })).resolves.toBe('call');
    expect(perCall).toHaveBeenCalledOnce();
  });

  it('fallbackOn limits which errors from fn trigger it; the others propagate and still count', async () => {
    class Transient extends Error {}
    const { breaker } = setup({
      failureThreshold: 2,
      fallback: () => 'cached',
      fallbackOn: (error) => error instanceof Transient,
    });
    await expect(breaker.call(() => Promise.reject(new Transient()))).resolves.toBe('cached');
    await expect(breaker.call(boom)).rejects.toThrow('boom');
    expect(breaker.state).toBe('open');
    // the breaker's own refusals always get the fallback
    await expect(breaker.call(ok)).resolves.toBe('cached');
  });

  it('covers timeouts (fallbackOn sees the timeout error)', async () => {
    const { clock, breaker } = setup({
      timeout: 10,
      fallback: (error) => (error instanceof CircuitBreakerTimeoutError ? 'slow' : 'other'),
    });
    const call = breaker.call(never);
    clock.advance(10);
    await expect(call).resolves.toBe('slow');
  });

  it('excluded errors get the fallback without being counted', async () => {
    class OutOfStock extends Error {}
    const { breaker } = setup({ exclude: [OutOfStock], fallback: () => 'back-order' });
    await expect(breaker.call(() => Promise.reject(new OutOfStock()))).resolves.toBe('back-order');
    expect(breaker.metrics()).toMatchObject({ ignoredCalls: 1, failedCalls: 0, fallbacks: 1 });
  });

  it('a fallback that throws or rejects rejects the call with that error', async () => {
    const { breaker } = setup({ failureThreshold: 1 });
    const thrown = new Error('fallback broke');
    await expect(
      breaker.call(boom, {
        fallback: () => {
          throw thrown;
        },
      }),
    ).rejects.toBe(thrown);
    await expect(breaker.call(ok, { fallback: () => Promise.reject(thrown) })).rejects.toBe(thrown);
  });

  it('values marked by isResultFailure are returned, not replaced', async () => {
    const { breaker } = setup({
      failureThreshold: 1,
      isResultFailure: (r) => (r as { status: number }).status >= 500,
      fallback: () => 'fb',
    });
    await expect(breaker.call(async () => ({ status: 503 }))).resolves.toEqual({ status: 503 });
    expect(breaker.metrics()).toMatchObject({ failedCalls: 1, state: 'open', fallbacks: 0 });
  });

  it('no fallback runs after dispose()', async () => {
    const { breaker } = setup({ fallback: () => 'fb' });
    breaker.dispose();
    await expect(breaker.call(ok)).rejects.toMatchObject({ code: 'ERR_CIRCUIT_DISPOSED' });
  });
});

describe('classification', () => {
  class ConnectionError extends Error {}
  class ValidationError extends Error {}

  it('isFailure returning false ignores the error: rethrown, counted neither way', async () => {
    const { breaker } = setup({ failureThreshold: 1, isFailure: (e) => !(e instanceof ValidationError) });
    const error = new ValidationError('bad input');
    await expect(breaker.call(() => Promise.reject(error))).rejects.toBe(error);
    expect(breaker.metrics()).toMatchObject({
      ignoredCalls: 1,
      failedCalls: 0,
      successfulCalls: 0,
      state: 'closed',
    });
  });

  it('include is an allow-list: only those classes count', async () => {
    const { breaker } = setup({ failureThreshold: 1, include: [ConnectionError] });
    await breaker.call(() => Promise.reject(new ValidationError())).catch(() => {});
    expect(breaker.state).toBe('closed');
    await breaker.call(() => Promise.reject(new ConnectionError())).catch(() => {});
    expect(breaker.state).toBe('open');
  });

  it('include, exclude and isFailure must all agree for an error to count', async () => {
    class Refused extends ConnectionError {}
    const { breaker } = setup({
      failureThreshold: false,
      include: [ConnectionError],
      exclude: [Refused],
      isFailure: (e) => (e as Error).message !== 'expected',
    });
    await breaker.call(() => Promise.reject(new Refused())).catch(() => {});
    await breaker.call(() => Promise.reject(new ConnectionError('expected'))).catch(() => {});
    await breaker.call(() => Promise.reject(new ConnectionError('real'))).catch(() => {});
    expect(breaker.metrics()).toMatchObject({ ignoredCalls: 2, failedCalls: 1 });
  });

  it('a throwing classifier is reported and the default applies', async () => {
    const logged: unknown[] = [];
    const logger = { info() {}, warn() {}, error: (_fields: object, m?: string) => logged.push(m) };
    const { breaker } = setup({
      failureThreshold: 1,
      logger,
      isFailure: () => {
        throw new Error('oops');
      },
    });
    await breaker.call(boom).catch(() => {});
    expect(breaker.state).toBe('open');
    expect(logged.some((m) => String(m).includes('isFailure threw'))).toBe(true);
  });
});

describe('bulkhead', () => {
  it('rejects calls beyond maxConcurrentCalls with BulkheadFullError, which is not a failure', async () => {
    const { breaker } = setup({ maxConcurrentCalls: 2, failureThreshold: 1 });
    const gates = [deferred<string>(), deferred<string>()];
    const running = gates.map((d) => breaker.call(() => d.promise));
    for (let i = 0; i < 3; i++) {
      const error = await breaker.call(ok).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BulkheadFullError);
      expect(error).not.toBeInstanceOf(CircuitBreakerOpenError);
    }
    expect(breaker.state).toBe('closed');
    expect(breaker.metrics()).toMatchObject({ rejectedCalls: 3, failedCalls: 0 });
    expect(breaker.isAvailable()).toBe(false);
    gates[0]!.resolve('a');
    await running[0];
    await expect(breaker.call(ok)).resolves.toBe('ok');
    gates[1]!.resolve('b');
    await Promise.all(running);
  });

  it('frees the slot when a call times out', async () => {
    const { clock, breaker } = setup({ maxConcurrentCalls: 1, timeout: 10, failureThreshold: 5 });
    const hung = breaker.call(never);
    clock.advance(10);
    await hung.catch(() => {});
    await expect(breaker.call(ok)).resolves.toBe('ok');
  });

  it('serves the fallback on a bulkhead rejection', async () => {
    const { breaker } = setup({ maxConcurrentCalls: 1, fallback: () => 'busy' });
    const d = deferred<string>();
    const running = breaker.call(() => d.promise);
    await expect(breaker.call(ok)).resolves.toBe('busy');
    d.resolve('x');
    await running;
  });
});
