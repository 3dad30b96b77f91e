import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/CircuitBreaker.js';
import { FakeClock } from '../../src/clock/FakeClock.js';
import type { CallContext, CircuitBreakerOptions } from '../../src/options.js';
import { flush } from '../support/flush.js';
import { runs } from '../support/hostile.js';
import * as hostile from '../support/hostileValues.js';

// DESIGN section 11, proven over generated behaviours of `fn`: on every call path (the fast path,
// per-call options, callSync, wrap, permits, the probe) call() never throws synchronously, every
// admitted call settles exactly once and frees its slot (`inFlight` back to 0, the counts add up),
// metrics() never throws, and nothing becomes an unhandled rejection.

const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown): void => {
  unhandled.push(reason);
};
beforeAll(() => {
  process.on('unhandledRejection', onUnhandled);
});
afterAll(() => {
  process.off('unhandledRejection', onUnhandled);
});

class BusinessError extends Error {}

const errorKeys = Object.keys(hostile.hostileErrors);
const resultKeys = Object.keys(hostile.hostileResults);
const makeError = (key: string): unknown => hostile.hostileErrors[key]!();

/** What `fn` does: each is a way of returning, throwing or settling, ordinary or hostile. */
type Behaviour =
  | { kind: 'value'; value: unknown }
  | { kind: 'throw'; error: string }
  | { kind: 'resolve'; later: boolean }
  | { kind: 'reject'; error: string; later: boolean }
  | { kind: 'hostile'; result: string }
  | { kind: 'foreign'; settle: 'resolve' | 'reject'; error: string }
  | { kind: 'response'; status: number }
  | { kind: 'hang' };

const behaviour: fc.Arbitrary<Behaviour> = fc.oneof(
  fc.record({ kind: fc.constant('value' as const), value: fc.oneof(fc.integer(), fc.constant(null)) }),
  fc.record({ kind: fc.constant('throw' as const), error: fc.constantFrom(...errorKeys) }),
  fc.record({ kind: fc.constant('resolve' as const), later: fc.boolean() }),
  fc.record({
    kind: fc.constant('reject' as const),
    error: fc.constantFrom(...errorKeys),
    later: fc.boolean(),
  }),
  fc.record({ kind: fc.constant('hostile' as const), result: fc.constantFrom(...resultKeys) }),
  fc.record({
    kind: fc.constant('foreign' as const),
    settle: fc.constantFrom('resolve' as const, 'reject' as const),
    error: fc.constantFrom(...errorKeys),
  }),
  fc.record({ kind: fc.constant('response' as const), status: fc.constantFrom(200, 503) }),
  fc.constant({ kind: 'hang' as const }),
);

/** `fn` for a behaviour; `later` ones settle after the clock moves on (and microtasks run). */
function protectedFn(b: Behaviour, clock: FakeClock): (ctx: CallContext) => unknown {
  return () => {
    switch (b.kind) {
      case 'value':
        return b.value;
      case 'throw':
        throw makeError(b.error);
      case 'resolve':
        return b.later
          ? new Promise((resolve) => clock.setTimeout(() => resolve('later'), 10))
          : Promise.resolve(1);
      case 'reject':
        return b.later
          ? new Promise((_, reject) => clock.setTimeout(() => reject(makeError(b.error)), 10))
          : Promise.reject(makeError(b.error));
      case 'hostile':
        return hostile.hostileResults[b.result]!();
      case 'foreign':
        return hostile.foreignThenable(b.settle, b.settle === 'resolve' ? 'foreign' : makeError(b.error));
      case 'response':
        return Promise.resolve(new Response(null, { status: b.status }));
      case 'hang':
        return new Promise(() => {});
    }
  };
}

const throwing = (): never => {
  throw new Error('classifier');
};

/** Breaker options that change how outcomes are classified and settled. */
const breakerOptions: fc.Arbitrary<CircuitBreakerOptions> = fc
  .record({
    timeout: fc.option(fc.constantFrom(5, 50, 1000), { nil: undefined }),
    fallback: fc.option(fc.constantFrom('value', 'throws'), { nil: undefined }),
    fallbackOn: fc.option(fc.constant('throws'), { nil: undefined }),
    exclude: fc.boolean(),
    include: fc.boolean(),
    isFailure: fc.option(fc.constantFrom('false', 'throws'), { nil: undefined }),
    isResultFailure: fc.option(fc.constantFrom('status', 'throws'), { nil: undefined }),
    maxConcurrentCalls: fc.option(fc.integer({ min: 1, max: 3 }), { nil: undefined }),
    failureThreshold: fc.constantFrom(1, 2, 5),
    slowCall: fc.boolean(),
  })
  .map((o) => {
    const options: CircuitBreakerOptions = {
      failureThreshold: o.failureThreshold,
      resetTimeout: 100,
      halfOpenTimeout: 1000,
    };
    if (o.timeout !== undefined) options.timeout = o.timeout;
    if (o.fallback === 'value') options.fallback = () => 'fallback';
    if (o.fallback === 'throws') options.fallback = throwing;
    if (o.fallbackOn !== undefined) options.fallbackOn = throwing;
    if (o.exclude) options.exclude = [BusinessError];
    if (o.include) options.include = [Error];
    if (o.isFailure === 'false') options.isFailure = () => false;
    if (o.isFailure === 'throws') options.isFailure = throwing;
    if (o.isResultFailure === 'status')
      options.isResultFailure = (value) => (value as { status?: unknown }).status === 503;
    if (o.isResultFailure === 'throws') options.isResultFailure = throwing;
    if (o.maxConcurrentCalls !== undefined) options.maxConcurrentCalls = o.maxConcurrentCalls;
    if (o.slowCall) {
      options.slowCallRateThreshold = 0.5;
      options.slowCallDuration = 5;
    }
    return options;
  });

type Path = 'call' | 'options' | 'callSync' | 'wrap' | 'permit';
const step = fc.record({
  path: fc.constantFrom<Path>('call', 'options', 'callSync', 'wrap', 'permit'),
  behaviour,
  advance: fc.constantFrom(0, 0, 10, 100),
});

/** Whether a call would never settle by itself: a hang with no timeout to cut it. */
function hangs(path: Path, b: Behaviour, options: CircuitBreakerOptions): boolean {
  return b.kind === 'hang' && path !== 'permit' && path !== 'callSync' && options.timeout === undefined;
}

describe('hostile values from fn, on every call path (property)', () => {
  it('call() never throws synchronously; every admitted call settles once and frees its slot', async () => {
    await fc.assert(
      fc.asyncProperty(
        breakerOptions,
        fc.array(step, { minLength: 1, maxLength: 8 }),
        async (options, steps) => {
          unhandled.length = 0;
          const clock = new FakeClock();
          const breaker = new CircuitBreaker({ ...options, clock });
          const promises: Promise<unknown>[] = [];
          let made = 0;
          for (const { path, behaviour: b, advance } of steps) {
            // A hang with nothing to cut it would hold its slot for good, rightly: not generated.
            const fn = hangs(path, b, options)
              ? protectedFn({ kind: 'value', value: 1 }, clock)
              : protectedFn(b, clock);
            made++;
            if (path === 'callSync') {
              try {
                breaker.callSync(fn);
              } catch {
                // callSync throws by design (refusals, fn's error, a promise it refuses).
              }
            } else if (path === 'permit') {
              const permit = breaker.tryAcquire(options.timeout === undefined ? undefined : { timeout: 20 });
              if (permit !== undefined) {
                // Code holding a permit awaits its work and reports the outcome; a hang is disposed.
                if (b.kind === 'hang') permit[Symbol.dispose]();
                else
                  promises.push(
                    (async () => fn({ signal: permit.signal }))().then(
                      (value) => permit.success(value),
                      (error: unknown) => permit.failure(error),
                    ),
                  );
              }
            } else {
              let promise: Promise<unknown> | undefined;
              expect(() => {
                if (path === 'call') promise = breaker.call(fn);
                else if (path === 'wrap')
                  promise = breaker.wrap(() => fn({ signal: new AbortController().signal }))();
                else
                  promise = breaker.call(fn, {
                    timeout: options.timeout ?? 1000,
                    signal: new AbortController().signal,
                  });
              }).not.toThrow();
              expect(promise).toBeInstanceOf(Promise);
              let settled = 0;
              promises.push(
                promise!.then(
                  () => settled++,
                  () => settled++,
                ),
              );
              promises.push(Promise.resolve().then(() => expect(settled).toBeLessThanOrEqual(1)));
            }
            if (advance > 0) clock.advance(advance);
            await Promise.resolve();
          }
          // Let every timeout, late settlement and thenable job run.
          for (let i = 0; i < 5; i++) {
            clock.advance(2000);
            await flush();
          }
          await Promise.all(promises);
          const m = breaker.metrics();
          expect(m.inFlight).toBe(0);
          expect(m.totalCalls).toBe(made);
          expect(m.successfulCalls + m.failedCalls + m.rejectedCalls + m.ignoredCalls).toBe(made);
          expect(m.lastError === null || typeof m.lastError === 'string').toBe(true);
          expect(unhandled).toEqual([]);
        },
      ),
      { numRuns: runs(300) },
    );
  });

  it('the probe settles every hostile behaviour once and the breaker keeps recovering', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(behaviour, { minLength: 1, maxLength: 5 }), async (behaviours) => {
        unhandled.length = 0;
        const clock = new FakeClock();
        let round = 0;
        const probes = behaviours.map((b) => protectedFn(b, clock));
        const breaker = new CircuitBreaker({
          clock,
          failureThreshold: 1,
          resetTimeout: 100,
          halfOpenTimeout: 500,
          probe: (ctx) => probes[round++ % probes.length]!(ctx),
        });
        await breaker.call(() => Promise.reject(new Error('down'))).catch(() => {});
        for (let i = 0; i < behaviours.length * 3; i++) {
          clock.advance(600);
          await flush();
          expect(() => breaker.metrics()).not.toThrow();
          if (breaker.state === 'closed') break;
        }
        breaker.dispose();
        clock.advance(60_000);
        await flush();
        expect(breaker.metrics().inFlight).toBe(0);
        expect(round).toBeGreaterThan(0);
        expect(unhandled).toEqual([]);
      }),
      { numRuns: runs(100) },
    );
  });
});
