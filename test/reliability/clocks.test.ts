import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { poll } from '../../bench/lib/redis-server.js';
import { CircuitBreaker } from '../../src/CircuitBreaker.js';
import { type Deadline, TimeoutScheduler } from '../../src/call/TimeoutScheduler.js';
import { DeadlineTimer } from '../../src/engine/DeadlineTimer.js';
import { CircuitBreakerTimeoutError } from '../../src/errors/CircuitBreakerTimeoutError.js';
import { MemoryStore } from '../../src/store/MemoryStore.js';
import { CoarseClock } from '../../src/window/CoarseClock.js';
import { recordingLogger } from '../support/flush.js';
import {
  type ClockFault,
  HostileClock,
  runs,
  settleEventLoop,
  watchProcessFaults,
} from '../support/hostile.js';

// DESIGN section 11, the clock: a reading that is NaN or infinite is replaced by the last good one; a
// reading earlier than the last rebases (a jump back of an hour is a step of 0, so deadlines still
// pass); a clock that throws counts as a repeat of the last reading, is reported once as a warn line
// and is never thrown from call(); the library's own timers catch everything they run.

const boom = (): Promise<never> => Promise.reject(new Error('down'));
const ok = (): Promise<string> => Promise.resolve('ok');
const hang = (): Promise<never> => new Promise<never>(() => {});

let faults: ReturnType<typeof watchProcessFaults> | undefined;
afterEach(() => faults?.stop());

/** Watches the process for the length of a test; asserts nothing escaped at the end. */
async function expectNothingEscaped(): Promise<void> {
  await settleEventLoop();
  expect(faults?.unhandled).toEqual([]);
  expect(faults?.uncaught).toEqual([]);
}

describe('a hostile clock', () => {
  it('a NaN reading at the trip does not keep the breaker open: it reaches half-open and closes', async () => {
    faults = watchProcessFaults();
    const clock = new HostileClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, resetTimeout: 1000 });
    clock.advance(100);
    clock.fault = 'nan';
    await breaker.call(boom).catch(() => {});
    expect(breaker.state).toBe('open');
    clock.fault = 'none';
    clock.advance(1000);
    expect(breaker.state).toBe('half_open');
    await expect(breaker.call(ok)).resolves.toBe('ok');
    expect(breaker.state).toBe('closed');
    await expectNothingEscaped();
  });

  it('an infinite reading at the trip does not keep the breaker open either', async () => {
    const clock = new HostileClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, resetTimeout: 1000 });
    clock.fault = 'infinity';
    await breaker.call(boom).catch(() => {});
    clock.fault = 'none';
    clock.advance(1000);
    expect(breaker.state).toBe('half_open');
  });

  it('a clock that goes back an hour: a timed call still times out on time', async () => {
    faults = watchProcessFaults();
    const clock = new HostileClock();
    const breaker = new CircuitBreaker({ clock, timeout: 100 });
    const pending = breaker.call(hang);
    clock.offset = -3_600_000;
    clock.advance(200);
    await expect(pending).rejects.toBeInstanceOf(CircuitBreakerTimeoutError);
    expect(breaker.metrics().inFlight).toBe(0);
    await expectNothingEscaped();
  });

  it('a clock that goes back an hour while open: the breaker still reaches half-open, not an hour late', async () => {
    const clock = new HostileClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, resetTimeout: 60_000 });
    let halfOpen = 0;
    breaker.on('halfOpen', () => halfOpen++);
    await breaker.call(boom).catch(() => {});
    clock.advance(30_000);
    clock.offset = -3_600_000;
    // Nothing read the clock between the trip and the jump: that stretch counts as the jump's step of
    // 0, and the open period runs from the first reading after it (at 60 s, by the deadline timer).
    clock.advance(30_000);
    expect(breaker.state).toBe('open');
    clock.advance(59_999);
    expect(halfOpen).toBe(0);
    clock.advance(1);
    expect(halfOpen).toBe(1); // by the deadline timer, without touching the breaker
    expect(breaker.state).toBe('half_open');
  });

  it('a clock that throws: call() never throws, calls settle, and one warn line says so', async () => {
    faults = watchProcessFaults();
    const clock = new HostileClock();
    const logger = recordingLogger();
    const breaker = new CircuitBreaker({ clock, logger, failureThreshold: 2, timeout: 1000 });
    clock.fault = 'throw';
    await expect(breaker.call(ok)).resolves.toBe('ok');
    await expect(breaker.call(boom)).rejects.toThrow('down');
    expect(() => breaker.tryAcquire()?.success()).not.toThrow();
    expect(() => breaker.metrics()).not.toThrow();
    expect(() => breaker.state).not.toThrow();
    expect(() => breaker.isAvailable()).not.toThrow();
    const warnings = logger.lines.filter((line) => line.level === 'warn');
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toMatch(/clock's now\(\) threw/);
    // Time stood still while it threw; when it works again, the timed call and the rules go on.
    const pending = breaker.call(hang);
    clock.fault = 'none';
    clock.advance(1000);
    await expect(pending).rejects.toBeInstanceOf(CircuitBreakerTimeoutError);
    expect(breaker.metrics()).toMatchObject({ timeouts: 1, failedCalls: 2, inFlight: 0 });
    await expectNothingEscaped();
  });

  it('a clock whose setTimeout throws: a timed call still settles (on the global timer), nothing escapes', async () => {
    faults = watchProcessFaults();
    const clock = new HostileClock();
    clock.setTimeoutThrows = true;
    const breaker = new CircuitBreaker({ clock, timeout: 20, failureThreshold: 1, resetTimeout: 20 });
    breaker.on('stateChange', () => {}); // keeps the deadline timer, which also falls back
    const pending = breaker.call(hang);
    let settled: unknown;
    pending.catch((error: unknown) => {
      settled = error;
    });
    clock.advance(50);
    await poll(() => settled !== undefined, 'the timed call to settle', 10_000, 5);
    expect(settled).toBeInstanceOf(CircuitBreakerTimeoutError);
    clock.advance(50);
    expect(breaker.state).toBe('half_open');
    await expectNothingEscaped();
  });

  it('a clock that starts throwing under real timers crashes nothing: not the coarse-clock tick, not the timeout timer', async () => {
    faults = watchProcessFaults();
    let broken = false;
    let throws = 0;
    const clock = {
      now: (): number => {
        if (broken) {
          throws++;
          throw new Error('the clock is broken');
        }
        return performance.now();
      },
      setTimeout: (callback: () => void, ms: number): unknown => setTimeout(callback, ms),
      clearTimeout: (handle: unknown): void => clearTimeout(handle as NodeJS.Timeout),
    };
    // A time window with slices of 1 s reads the shared coarse clock, which ticks on a timer.
    const breaker = new CircuitBreaker({
      clock,
      timeout: 40,
      failureRateThreshold: 0.5,
      window: { type: 'time', duration: 10_000, buckets: 10 },
    });
    await breaker.call(ok);
    const pending = breaker.call(hang);
    let settled: unknown;
    pending.catch((error: unknown) => {
      settled = error;
    });
    broken = true;
    // Both timers have run against the broken clock (the timeout timer is set again: time stood still).
    await poll(() => throws >= 3, 'the timers to read the broken clock', 10_000, 5);
    expect(faults.uncaught).toEqual([]);
    broken = false;
    await poll(() => settled !== undefined, 'the timed call to settle', 10_000, 5);
    expect(settled).toBeInstanceOf(CircuitBreakerTimeoutError);
    await expectNothingEscaped();
  });

  it('a MemoryStore given a hostile clock reads it through the same guard: the fleet still recovers', async () => {
    faults = watchProcessFaults();
    const clock = new HostileClock();
    const store = new MemoryStore({ clock });
    const options = { clock, store, failureThreshold: 1, resetTimeout: 1000 };
    const a = new CircuitBreaker({ ...options, name: 'fleet' });
    const b = new CircuitBreaker({ ...options, name: 'fleet' });
    clock.advance(100);
    a.isAvailable();
    clock.fault = 'nan';
    await a.call(boom).catch(() => {});
    await settleEventLoop();
    expect(b.state).toBe('open');
    clock.fault = 'none';
    clock.offset = -3_600_000;
    expect(a.state).toBe('open'); // the first reading after the jump back: a step of 0
    clock.advance(1000);
    expect(a.state).toBe('half_open');
    await a.call(ok);
    await settleEventLoop();
    expect(a.state).toBe('closed');
    expect(b.state).toBe('closed');
    const [fleet] = await store.list();
    expect(fleet?.state).toBe('closed');
    await store.close();
    await expectNothingEscaped();
  });

  it('random faults of every kind, between calls and clock moves: every call settles, nothing escapes, and the breaker still opens, half-opens and closes', async () => {
    faults = watchProcessFaults();
    const step = fc.oneof(
      fc.record({
        kind: fc.constant('fault' as const),
        fault: fc.constantFrom<ClockFault>('none', 'nan', 'infinity', '-infinity', 'string', 'throw'),
      }),
      fc.record({ kind: fc.constant('back' as const), by: fc.integer({ min: 1, max: 7_200_000 }) }),
      fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 5000 }) }),
      fc.record({ kind: fc.constant('timers' as const), throws: fc.boolean() }),
      fc.record({
        kind: fc.constant('call' as const),
        outcome: fc.constantFrom('ok', 'fail', 'hang'),
        timeout: fc.option(fc.integer({ min: 1, max: 200 }), { nil: undefined }),
      }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(step, { maxLength: 40 }), fc.boolean(), async (steps, listen) => {
        const clock = new HostileClock();
        const logger = recordingLogger();
        const breaker = new CircuitBreaker({
          clock,
          logger,
          failureThreshold: 2,
          resetTimeout: 1000,
          timeout: 100,
          window: { type: 'time', duration: 10_000, buckets: 10 },
        });
        if (listen) breaker.on('stateChange', () => {});
        const calls: Promise<unknown>[] = [];
        for (const s of steps) {
          if (s.kind === 'fault') clock.fault = s.fault;
          else if (s.kind === 'back') clock.offset -= s.by;
          else if (s.kind === 'advance') clock.advance(s.ms);
          else if (s.kind === 'timers') clock.setTimeoutThrows = s.throws;
          else {
            const fn = s.outcome === 'ok' ? ok : s.outcome === 'fail' ? boom : hang;
            let call: Promise<unknown>;
            expect(() => {
              call = breaker.call(fn, s.timeout === undefined ? {} : { timeout: s.timeout });
            }).not.toThrow();
            calls.push(call!.then(undefined, () => undefined));
          }
        }
        // The clock heals: every call settles (timers that fell back to the global setTimeout fire
        // in real time, and find their deadline passed).
        clock.fault = 'none';
        clock.setTimeoutThrows = false;
        clock.advance(3000);
        let settled = false;
        void Promise.all(calls).then(() => {
          settled = true;
        });
        await poll(
          () => {
            clock.advance(50); // time goes on (a reading after a jump back restarts from the last good one)
            return settled;
          },
          'every call to settle',
          10_000,
          5,
        );
        expect(breaker.metrics().inFlight).toBe(0);
        // The state machine still works: trip it, wait out the open period, close it with a trial.
        breaker.reset();
        await breaker.call(boom).catch(() => {});
        await breaker.call(boom).catch(() => {});
        expect(breaker.state).toBe('open');
        clock.advance(1000);
        expect(breaker.state).toBe('half_open');
        await breaker.call(ok);
        expect(breaker.state).toBe('closed');
        expect(logger.lines.filter((line) => line.level === 'warn').length).toBeLessThanOrEqual(4);
      }),
      { numRuns: runs(40) },
    );
    await expectNothingEscaped();
  });
});

describe("the library's own timers, even on a clock that is not guarded", () => {
  /** A clock on the real timers whose now() throws once `broken` is set. */
  function breakable(): { clock: HostileClock & { broken: boolean }; reads: () => number } {
    const base = {
      broken: false,
      throws: 0,
      now(): number {
        if (this.broken) {
          this.throws++;
          throw new Error('the clock is broken');
        }
        return performance.now();
      },
      setTimeout: (callback: () => void, ms: number): unknown => setTimeout(callback, ms),
      clearTimeout: (handle: unknown): void => clearTimeout(handle as NodeJS.Timeout),
    };
    return { clock: base as unknown as HostileClock & { broken: boolean }, reads: () => base.throws };
  }

  it('the coarse clock stops ticking instead of throwing from its timer', async () => {
    faults = watchProcessFaults();
    const { clock, reads } = breakable();
    const coarse = new CoarseClock(clock);
    coarse.now();
    clock.broken = true;
    coarse.now(); // read since the last tick: the next tick reads the clock
    await poll(() => reads() >= 1, 'the tick to read the broken clock', 10_000, 5);
    await expectNothingEscaped();
  });

  it('the timeout scheduler expires its calls rather than throwing from its timer', async () => {
    faults = watchProcessFaults();
    const { clock, reads } = breakable();
    const scheduler = new TimeoutScheduler(clock);
    let expired = 0;
    const target: Deadline = {
      deadlinePrev: undefined,
      deadlineNext: undefined,
      deadlineBucket: undefined,
      expire: () => {
        expired++;
      },
    };
    scheduler.schedule(target, 20);
    clock.broken = true;
    await poll(() => expired === 1, 'the deadline to expire', 10_000, 5);
    expect(reads()).toBeGreaterThanOrEqual(1);
    await expectNothingEscaped();
  });

  it('the deadline timer never lets its owner throw out of the timer', async () => {
    faults = watchProcessFaults();
    let fired = 0;
    const timer = new DeadlineTimer(
      { now: () => performance.now(), setTimeout, clearTimeout } as unknown as HostileClock,
      {
        onDeadline: () => {
          fired++;
          throw new Error('a transition failed');
        },
      },
    );
    timer.set(performance.now() + 5);
    await poll(() => fired >= 1, 'the deadline timer to fire', 10_000, 5);
    await expectNothingEscaped();
  });
});
