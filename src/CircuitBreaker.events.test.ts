import { describe, expect, it, vi } from 'vitest';
import { deferred, recordingLogger } from '../test/support/flush.js';
import { CircuitBreaker } from './CircuitBreaker.js';
import type { Clock } from './clock/Clock.js';
import { FakeClock } from './clock/FakeClock.js';

const ok = () => Promise.resolve('ok');
const boom = () => Promise.reject(new Error('boom'));

describe('events', () => {
  it('emits every event with its payload, each carrying the breaker name', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({
      name: 'db',
      clock,
      failureThreshold: 2,
      resetTimeout: 1000,
      timeout: 50,
      slowCallDuration: 10,
      fallback: () => 'fb',
      fallbackOn: (e) => (e as Error).message === 'fall back',
      exclude: [TypeError],
    });
    const seen: [string, unknown][] = [];
    const names = [
      'stateChange',
      'open',
      'halfOpen',
      'close',
      'success',
      'failure',
      'ignored',
      'rejected',
      'timeout',
      'fallback',
      'slowCall',
    ] as const;
    for (const event of names) breaker.on(event, (payload) => seen.push([event, payload]));

    const slow = deferred<string>();
    const slowCall = breaker.call(() => slow.promise);
    clock.advance(20);
    slow.resolve('slow');
    await slowCall;
    await breaker.call(() => Promise.reject(new TypeError('business'))).catch(() => {});
    await breaker.call(() => Promise.reject(new Error('fall back')));
    const hung = breaker.call(() => new Promise(() => {}));
    clock.advance(50);
    await hung.catch(() => {});
    await breaker.call(ok); // rejected while open, fallback
    clock.advance(1000);
    await breaker.call(ok);

    const kinds = seen.map(([event]) => event);
    expect(kinds).toEqual([
      'slowCall',
      'success',
      'ignored', // fallbackOn declines the business error: it propagates, uncounted
      'failure',
      'fallback',
      'timeout',
      'slowCall',
      'failure',
      'stateChange',
      'open', // fallbackOn declines the timeout too
      'rejected',
      'fallback', // the breaker's own refusals always get the fallback
      'stateChange',
      'halfOpen',
      'success',
      'stateChange',
      'close',
    ]);
    expect(
      Object.fromEntries(seen.filter(([e]) => ['open', 'rejected', 'timeout', 'slowCall'].includes(e))),
    ).toEqual({
      slowCall: { name: 'db', duration: 50 }, // the last one: the timed-out call
      timeout: { name: 'db', timeout: 50 },
      open: { name: 'db', retryAfter: 1000, reason: 'failure_threshold', openedBy: null },
      rejected: { name: 'db', reason: 'open' },
    });
    expect(seen.find(([e]) => e === 'slowCall')?.[1]).toEqual({ name: 'db', duration: 20 });
    expect(seen.filter(([e]) => e === 'stateChange').map(([, p]) => p)).toEqual([
      { name: 'db', from: 'closed', to: 'open', reason: 'failure_threshold' },
      { name: 'db', from: 'open', to: 'half_open', reason: 'reset_timeout' },
      { name: 'db', from: 'half_open', to: 'closed', reason: 'trial_succeeded' },
    ]);
  });

  it('forced states emit stateChange only', () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock() });
    const events: string[] = [];
    for (const event of ['stateChange', 'open', 'close', 'halfOpen'] as const)
      breaker.on(event, () => events.push(event));
    breaker.forceOpen();
    breaker.forceClose();
    expect(events).toEqual(['stateChange', 'stateChange']);
  });

  it('a throwing listener does not break the call and is reported to the logger', async () => {
    const logger = recordingLogger();
    const breaker = new CircuitBreaker({ clock: new FakeClock(), failureThreshold: 1, logger });
    breaker.on('failure', () => {
      throw new Error('listener bug');
    });
    breaker.on('open', () => {
      throw new Error('listener bug 2');
    });
    await expect(breaker.call(boom)).rejects.toThrow('boom');
    expect(breaker.state).toBe('open');
    const reported = logger.lines.filter((l) => l.message?.includes('listener threw'));
    expect(reported.map((l) => l.message)).toEqual([
      "Circuit breaker 'circuit-breaker-" + breaker.name.split('-').pop() + "': a 'failure' listener threw",
      "Circuit breaker '" + breaker.name + "': a 'open' listener threw",
    ]);
  });

  it('removing every listener does not break the state machine', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, resetTimeout: 100 });
    const offs = [
      breaker.on('stateChange', () => {}),
      breaker.on('success', () => {}),
      breaker.on('open', () => {}),
    ];
    await breaker.call(boom).catch(() => {});
    for (const off of offs) {
      off();
      off(); // idempotent
    }
    expect(clock.pendingTimers).toBe(0);
    clock.advance(100);
    await breaker.call(ok);
    expect(breaker.state).toBe('closed');
  });

  it('the same listener subscribed twice is removed once per unsubscribe', () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock() });
    const listener = vi.fn();
    const off1 = breaker.on('stateChange', listener);
    breaker.on('stateChange', listener);
    off1();
    breaker.forceOpen();
    expect(listener).toHaveBeenCalledTimes(1);
  });

  it('a listener may call back into the breaker', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1 });
    breaker.on('open', () => breaker.reset());
    await breaker.call(boom).catch(() => {});
    expect(breaker.state).toBe('closed');
  });
});

describe('the deadline timer', () => {
  it('delivers halfOpen on time while something listens, through one unref’d timer', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({
      clock,
      failureThreshold: 1,
      resetTimeout: 1000,
      halfOpenTimeout: 500,
    });
    const events: string[] = [];
    breaker.on('stateChange', ({ to }) => events.push(`${to}@${clock.now()}`));
    await breaker.call(boom).catch(() => {});
    expect([clock.pendingTimers, clock.refedTimers]).toEqual([1, 0]);
    clock.advance(1000);
    expect(events).toEqual(['open@0', 'half_open@1000']);
    expect(clock.pendingTimers).toBe(0); // no trial yet: no half-open deadline
    const hung = breaker.call(() => new Promise(() => {}));
    expect([clock.pendingTimers, clock.refedTimers]).toEqual([1, 0]);
    clock.advance(500);
    expect(events).toEqual(['open@0', 'half_open@1000', 'open@1500']);
    void hung;
  });

  it('a deadline timer that fires early is set again, so halfOpen still comes on time', async () => {
    // Node runs timers on the event loop's cached clock, which can lag performance.now(): a timer
    // may fire a little before the breaker's own clock reaches the deadline.
    const fake = new FakeClock();
    const early: Clock = {
      now: () => fake.now(),
      setTimeout: (callback, ms) => fake.setTimeout(callback, Math.max(0, ms - 0.5)),
      clearTimeout: (handle) => fake.clearTimeout(handle),
    };
    const breaker = new CircuitBreaker({ clock: early, failureThreshold: 1, resetTimeout: 1000 });
    const halfOpenAt: number[] = [];
    breaker.on('halfOpen', () => halfOpenAt.push(fake.now()));
    await breaker.call(boom).catch(() => {});
    fake.advance(1000);
    expect(halfOpenAt).toEqual([1000]);
  });

  it('keeps no timer while nothing listens, and none while idle', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1 });
    expect(clock.pendingTimers).toBe(0);
    await breaker.call(boom).catch(() => {});
    expect(clock.pendingTimers).toBe(0);
    const off = breaker.on('halfOpen', () => {});
    expect(clock.pendingTimers).toBe(1); // subscribing while open arms it
    off();
    breaker.reset();
    expect(clock.pendingTimers).toBe(0);
  });
});

describe('logs', () => {
  it('logs every transition with the fields and levels operators alert on', async () => {
    const clock = new FakeClock();
    const logger = recordingLogger();
    const breaker = new CircuitBreaker({
      name: 'database',
      clock,
      failureThreshold: 2,
      resetTimeout: 1000,
      logger,
    });
    await breaker.call(ok);
    clock.advance(3000);
    await breaker.call(boom).catch(() => {});
    await breaker.call(boom).catch(() => {});
    clock.advance(1000);
    expect(breaker.state).toBe('half_open');
    await breaker.call(ok);
    breaker.forceOpen();
    expect(logger.lines.map((l) => [l.level, l.message])).toEqual([
      ['error', "Circuit breaker 'database' opening circuit"],
      ['info', "Circuit breaker 'database' half-open, testing recovery"],
      ['info', "Circuit breaker 'database' closing circuit"],
      ['warn', "Circuit breaker 'database' forced open"],
    ]);
    expect(logger.lines[0]!.fields).toEqual({
      circuit_breaker: 'database',
      state: 'open',
      previous_state: 'closed',
      reason: 'failure_threshold',
      failure_count: 2,
      threshold: 2,
      failure_rate: 2 / 3,
      elapsed_seconds: 3,
    });
    expect(logger.lines[1]!.fields).toMatchObject({
      state: 'half_open',
      elapsed_seconds: 1,
      failure_count: 2,
    });
  });

  it('a throwing logger never breaks the breaker', async () => {
    const thrower = () => {
      throw new Error('logger down');
    };
    const breaker = new CircuitBreaker({
      clock: new FakeClock(),
      failureThreshold: 1,
      logger: { info: thrower, warn: thrower, error: thrower },
    });
    breaker.on('failure', thrower);
    await expect(breaker.call(boom)).rejects.toThrow('boom');
    expect(breaker.state).toBe('open');
  });
});
