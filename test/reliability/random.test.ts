import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/CircuitBreaker.js';
import { FakeClock } from '../../src/clock/FakeClock.js';
import { recordingLogger } from '../support/flush.js';
import { runs, settleEventLoop, watchProcessFaults } from '../support/hostile.js';

// DESIGN section 11: a `random()` that throws or returns a value outside [0, 1) is taken as 0.5, for
// the backoff's jitter and the throttle's draws alike.

const boom = (): Promise<never> => Promise.reject(new Error('down'));
const ok = (): Promise<string> => Promise.resolve('ok');

type Source = 'nan' | 'one' | 'minus-one' | 'infinity' | 'string' | 'throw' | 'good';
const sources: Readonly<Record<Source, () => number>> = {
  nan: () => Number.NaN,
  one: () => 1,
  'minus-one': () => -1,
  infinity: () => Number.POSITIVE_INFINITY,
  string: () => '0.3' as unknown as number,
  throw: () => {
    throw new Error('the random source is broken');
  },
  good: () => 0.25,
};

let faults: ReturnType<typeof watchProcessFaults> | undefined;
afterEach(() => faults?.stop());

describe('a hostile random source', () => {
  it('random() returning NaN with jitter does not keep the breaker open: it reaches half-open after the period less half the jitter', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({
      clock,
      failureThreshold: 1,
      resetTimeout: 1000,
      backoff: { jitter: 0.5 },
      random: () => Number.NaN,
    });
    await breaker.call(boom).catch(() => {});
    expect(breaker.state).toBe('open');
    clock.advance(749);
    expect(breaker.state).toBe('open');
    clock.advance(1); // 1000 × (1 − 0.5 × 0.5)
    expect(breaker.state).toBe('half_open');
    await breaker.call(ok);
    expect(breaker.state).toBe('closed');
  });

  it('random() that throws, with the throttle drawing: call() never throws, and the draw is 0.5', async () => {
    faults = watchProcessFaults();
    const clock = new FakeClock();
    const logger = recordingLogger();
    const breaker = new CircuitBreaker({
      clock,
      logger,
      failureThreshold: false,
      throttle: { k: 2, maxRejection: 0.9 },
      random: sources.throw,
    });
    let refused = 0;
    for (let i = 0; i < 200; i++) {
      clock.advance(10);
      let call: Promise<unknown> | undefined;
      expect(() => {
        call = breaker.call(boom);
      }).not.toThrow();
      await call?.catch((error: { code?: string }) => {
        if (error.code === 'ERR_CIRCUIT_THROTTLED') refused++;
      });
    }
    // Every call failed, so the probability reached 0.9: a draw of 0.5 is below it, every time.
    expect(refused).toBeGreaterThan(100);
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/`random` option threw; taking 0\.5/);
    await settleEventLoop();
    expect(faults.unhandled).toEqual([]);
  });

  it('Math.random (the default) is used as it is; a user source is guarded', () => {
    expect(new CircuitBreaker({}).options.random).toBe(Math.random);
    expect(new CircuitBreaker({ random: Math.random }).options.random).toBe(Math.random);
    const guarded = new CircuitBreaker({ random: sources.one }).options.random;
    expect(guarded()).toBe(0.5);
    expect(new CircuitBreaker({ random: sources.good }).options.random()).toBe(0.25);
  });

  it('every kind of bad source, with jitter and the throttle: calls settle, nothing escapes, the breaker opens, half-opens and closes', async () => {
    faults = watchProcessFaults();
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Source>('nan', 'one', 'minus-one', 'infinity', 'string', 'throw', 'good'),
        fc.array(fc.boolean(), { minLength: 1, maxLength: 60 }),
        async (source, outcomes) => {
          const clock = new FakeClock();
          const breaker = new CircuitBreaker({
            clock,
            failureThreshold: 5,
            resetTimeout: 1000,
            backoff: { jitter: 1, multiplier: 2, max: 8000 },
            throttle: true,
            random: sources[source],
          });
          for (const failure of outcomes) {
            clock.advance(5);
            let call: Promise<unknown> | undefined;
            expect(() => {
              call = breaker.call(failure ? boom : ok);
            }).not.toThrow();
            await call?.catch(() => {});
          }
          expect(breaker.metrics().inFlight).toBe(0);
          breaker.reset();
          for (let i = 0; i < 5; i++) await breaker.call(boom).catch(() => {});
          expect(breaker.state).toBe('open');
          // The period is 1000 × (1 − draw) with jitter 1: at most 1000 whatever the source gives.
          clock.advance(1000);
          expect(breaker.state).toBe('half_open');
          await breaker.call(ok);
          expect(breaker.state).toBe('closed');
        },
      ),
      { numRuns: runs(100) },
    );
    await settleEventLoop();
    expect(faults.unhandled).toEqual([]);
    expect(faults.uncaught).toEqual([]);
  });
});
