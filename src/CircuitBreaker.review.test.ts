import { describe, expect, it, vi } from 'vitest';
import { deferred, flush, recordingLogger } from '../test/support/flush.js';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';
import { optionsFromEnv } from './config/env.js';
import { CircuitBreakerRegistry } from './registry/CircuitBreakerRegistry.js';
import { KeyedBreakers } from './registry/KeyedBreakers.js';
import { retry } from './retry.js';

// The defects a review of the first release found, each guarded by a test named after what it protects.

const boom = (): Promise<never> => Promise.reject(new Error('down'));
const LIMIT = 'at most 2147483647 ms (~24.8 days, the longest a timer can wait)';

async function fail(breaker: CircuitBreaker<unknown>, times = 1): Promise<void> {
  for (let i = 0; i < times; i++) await breaker.call(boom).catch(() => {});
}

describe('an open breaker keeps what tripped it', () => {
  it('a time-window breaker that is open still shows the failures and rate that tripped it after the window’s duration', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({
      clock,
      failureRateThreshold: 0.5,
      minimumCalls: 4,
      resetTimeout: 600_000,
      window: { type: 'time', duration: 10_000, buckets: 10 },
    });
    await breaker.call(async () => 'ok');
    await fail(breaker, 3);
    expect(breaker.state).toBe('open');
    clock.advance(60_000);
    expect(breaker.state).toBe('open');
    expect(breaker.metrics()).toMatchObject({ failureRate: 0.75, windowCalls: 4 });
    expect(new CircuitBreakerRegistry().health().status).toBe('healthy');
  });
});

describe('generations are taken at admission', () => {
  it('a call whose function resets the breaker does not reach the metrics after the reset', async () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock(), latencySampling: 0 });
    await breaker.call(async () => {
      breaker.reset();
      return 'done';
    });
    await flush();
    expect(breaker.metrics()).toMatchObject({ totalCalls: 0, successfulCalls: 0 });
  });

  it('a call admitted while closed cannot close a half-open breaker, even when its own function tripped it', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({
      clock,
      failureThreshold: 1,
      resetTimeout: 1000,
      latencySampling: 0,
    });
    const trial = deferred<string>();
    let trialCall: Promise<unknown> | undefined;
    const outer = breaker.call(async () => {
      expect(() =>
        breaker.callSync(() => {
          throw new Error('nested failure');
        }),
      ).toThrow('nested failure');
      clock.advance(1000);
      expect(breaker.state).toBe('half_open');
      trialCall = breaker.call(() => trial.promise); // the round's one trial, still running
      return 'stale success';
    });
    await expect(outer).resolves.toBe('stale success');
    await flush();
    expect(breaker.state).toBe('half_open'); // the stale success was counted, but decided nothing
    expect(breaker.metrics().successfulCalls).toBe(1);
    trial.resolve('recovered');
    await trialCall;
    expect(breaker.state).toBe('closed');
  });

  it('a call whose function forces the breaker open is counted in the generation it was admitted in', async () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock(), failureThreshold: 1 });
    await breaker
      .call(() => {
        breaker.forceOpen();
        breaker.reset();
        return Promise.reject(new Error('late'));
      })
      .catch(() => {});
    expect(breaker.metrics()).toMatchObject({ state: 'closed', failedCalls: 0 });
  });
});

describe('call() never throws and frees every slot exactly once', () => {
  it('a signal-like object without addEventListener rejects the call; its bulkhead slot is not leaked', async () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock(), maxConcurrentCalls: 1 });
    const fn = vi.fn(async () => 1);
    let pending!: Promise<unknown>;
    expect(() => {
      pending = breaker.call(fn, { signal: { aborted: false } as AbortSignal });
    }).not.toThrow();
    await expect(pending).rejects.toThrow(TypeError);
    expect(fn).not.toHaveBeenCalled();
    await expect(breaker.call(async () => 'free')).resolves.toBe('free');
    expect(breaker.metrics().inFlight).toBe(0);
  });

  it('a result whose `then` getter throws fails the call, on the fast path and with a timeout', async () => {
    const clock = new FakeClock();
    // An object whose `then` getter throws (built so, to keep linters from flagging a thenable).
    const hostile = (): unknown =>
      Object.defineProperty({}, 'then', {
        get(): never {
          throw new Error('hostile then');
        },
      });
    for (const timeout of [undefined, 100]) {
      const breaker = new CircuitBreaker({ clock, maxConcurrentCalls: 1, failureThreshold: 10 });
      const options = timeout === undefined ? undefined : { timeout };
      let pending!: Promise<unknown>;
      expect(() => {
        pending = breaker.call(hostile, options);
      }).not.toThrow();
      await expect(pending).rejects.toThrow('hostile then');
      clock.advance(200); // the timeout's expiry finds the call settled
      expect(breaker.metrics()).toMatchObject({ failedCalls: 1, timeouts: 0, inFlight: 0 });
      await expect(breaker.call(async () => 'free')).resolves.toBe('free');
    }
  });
});

describe('durations a timer waits for are at most 2^31-1 ms', () => {
  it.each([
    [{ resetTimeout: 2 ** 31 }, 'resetTimeout'],
    [{ timeout: 1e12 }, 'timeout'],
    [{ halfOpenTimeout: 2 ** 31 }, 'halfOpenTimeout'],
    [{ backoff: { max: 2 ** 40 } }, 'backoff.max'],
  ])('refuses %j naming the limit', (options, option) => {
    expect(() => new CircuitBreaker(options)).toThrow(
      new RangeError(
        `Expected \`${option}\` to be ${LIMIT}, got \`${Object.values(options)[0] instanceof Object ? 2 ** 40 : Object.values(options)[0]}\``,
      ),
    );
  });

  it('refuses open(ms), keyed idleTtl, retry delays, per-call and permit timeouts beyond the limit', async () => {
    const breaker = new CircuitBreaker();
    expect(() => breaker.open(2 ** 31)).toThrow(
      new RangeError(`Expected \`durationMs\` to be ${LIMIT}, got \`2147483648\``),
    );
    expect(() => new KeyedBreakers('k', { idleTtl: 2 ** 31 })).toThrow(RangeError);
    expect(() => new KeyedBreakers('k', { idleTtl: Number.POSITIVE_INFINITY })).not.toThrow();
    await expect(retry(async () => 1, { delay: 2 ** 31 })).rejects.toThrow(RangeError);
    await expect(breaker.call(async () => 1, { timeout: 2 ** 31 })).rejects.toThrow(LIMIT);
    expect(() => breaker.acquire({ timeout: 2 ** 31 })).toThrow(RangeError);
  });

  it('caps what a backoff function returns, so an open breaker’s deadline timer does not spin', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, backoff: () => 1e15 });
    breaker.on('halfOpen', () => {});
    await fail(breaker);
    expect(breaker.metrics().retryAt).toBe(clock.wallNow() + 2 ** 31 - 1);
    clock.advance(2 ** 31 - 2);
    expect(breaker.state).toBe('open');
    expect(clock.pendingTimers).toBe(1);
  });
});

describe('re-entrancy: events in transition order', () => {
  it('a call made by a close listener during reset() counts after the reset', async () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock(), failureThreshold: 1 });
    await fail(breaker);
    breaker.on('close', () => {
      breaker.callSync(() => 'from the listener');
    });
    breaker.reset();
    expect(breaker.metrics()).toMatchObject({ state: 'closed', totalCalls: 1, successfulCalls: 1 });
  });

  it('a transition made by a stateChange listener is announced after the current one’s listeners', async () => {
    const breaker = new CircuitBreaker({ clock: new FakeClock(), failureThreshold: 1 });
    const seen: string[] = [];
    breaker.on('stateChange', ({ from, to }) => {
      seen.push(`stateChange ${from}→${to}`);
      if (to === 'open') breaker.forceOpen();
    });
    breaker.on('open', () => seen.push('open'));
    await fail(breaker);
    expect(seen).toEqual(['stateChange closed→open', 'open', 'stateChange open→forced_open']);
    expect(breaker.state).toBe('forced_open');
  });
});

describe('restoring and saving state', () => {
  it('a breaker restored open with only a logger sets its deadline timer: the half-open line comes on time', () => {
    const clock = new FakeClock();
    const logger = recordingLogger();
    const breaker = new CircuitBreaker({
      clock,
      logger,
      initialState: {
        version: 1,
        name: 'x',
        state: 'open',
        remainingOpenMs: 5000,
        backoffAttempt: 1,
        savedAt: clock.wallNow(),
      },
    });
    expect(clock.pendingTimers).toBe(1);
    clock.advance(5000);
    expect(logger.lines.map((l) => l.message)).toContain(
      `Circuit breaker '${breaker.name}' half-open, testing recovery`,
    );
  });

  it.each([
    [{ remainingOpenMs: -1 }, RangeError, 'initialState.remainingOpenMs'],
    [{ remainingOpenMs: 1e300 }, RangeError, 'initialState.remainingOpenMs'],
    [{ backoffAttempt: 1.5 }, RangeError, 'initialState.backoffAttempt'],
    [{ version: 99 }, RangeError, 'initialState.version'],
    [{ savedAt: 'yesterday' }, TypeError, 'initialState.savedAt'],
  ])('refuses a snapshot with %j', (field, kind, option) => {
    const snapshot = {
      version: 1,
      name: 'x',
      state: 'open',
      remainingOpenMs: 10,
      backoffAttempt: 1,
      savedAt: 0,
      ...field,
    };
    expect(() => new CircuitBreaker({ initialState: snapshot as never })).toThrow(kind);
    expect(() => new CircuitBreaker({ initialState: snapshot as never })).toThrow(`\`${option}\``);
  });

  it('toJSON() saves a whole number of ms, rounded up', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, resetTimeout: 1000 });
    await fail(breaker);
    clock.advance(0.4);
    expect(breaker.toJSON().remainingOpenMs).toBe(1000);
  });
});

describe('a clock below zero', () => {
  it('a time window on a negative clock still trips the rate rule (its totals never become NaN)', async () => {
    const clock = new FakeClock({ now: -5000 });
    const breaker = new CircuitBreaker({
      clock,
      failureRateThreshold: 0.5,
      minimumCalls: 4,
      window: { type: 'time', duration: 6000, buckets: 6 },
    });
    await fail(breaker, 2);
    clock.advance(1000); // into the next slice: moving the window must not corrupt its totals
    await fail(breaker, 2);
    expect(breaker.state).toBe('open');
    expect(breaker.metrics().failureRate).toBe(1);
  });
});

describe('environment', () => {
  it('MAX_BACKOFF_SECONDS=0 is refused naming the variable', () => {
    expect(() => optionsFromEnv('CB_X', { CB_X_MAX_BACKOFF_SECONDS: '0' })).toThrow(
      new RangeError('Expected `CB_X_MAX_BACKOFF_SECONDS` to be a number of seconds > 0, got `"0"`'),
    );
  });

  it('MINIMUM_CALLS above the count window’s size is refused naming the variable', () => {
    expect(() => optionsFromEnv('CB_X', { CB_X_MINIMUM_CALLS: '500' })).toThrow(
      /^`CB_X_MINIMUM_CALLS` \(`"500"`\): Expected `minimumCalls`/,
    );
    expect(() => CircuitBreaker.fromEnv('x', { env: { CB_X_MINIMUM_CALLS: '500' } })).toThrow(
      'CB_X_MINIMUM_CALLS',
    );
    expect(optionsFromEnv('CB_X', { CB_X_MINIMUM_CALLS: '500', CB_X_WINDOW_SIZE: '1000' }).minimumCalls).toBe(
      500,
    );
  });

  it('a duration too long for a timer is refused naming the variable', () => {
    expect(() => optionsFromEnv('CB_X', { CB_X_RESET_TIMEOUT: '1000h' })).toThrow(
      /`CB_X_RESET_TIMEOUT`.*2147483647/,
    );
    expect(() => optionsFromEnv('CB_X', { CB_X_RECOVERY_TIMEOUT_SECONDS: '3000000' })).toThrow(RangeError);
  });
});

describe('rules', () => {
  it('switching off an inherited rate rule leaves the default consecutive rule, not a breaker that never trips', async () => {
    const registry = new CircuitBreakerRegistry({
      clock: new FakeClock(),
      defaults: { failureRateThreshold: 0.5 },
    });
    const search = registry.getOrCreate('search', { failureRateThreshold: false });
    expect(search.options.failureThreshold).toBe(5);
    await fail(search, 5);
    expect(search.state).toBe('open');
    expect(new CircuitBreaker({ failureThreshold: false }).options.failureThreshold).toBe(false);
  });
});

describe('listeners', () => {
  it('an async listener whose promise rejects is reported like a throw, never an unhandled rejection', async () => {
    const logger = recordingLogger();
    const unhandled = vi.fn();
    process.on('unhandledRejection', unhandled);
    try {
      const breaker = new CircuitBreaker({ clock: new FakeClock(), logger, failureThreshold: 1 });
      breaker.on('open', async () => {
        throw new Error('async listener bug');
      });
      await fail(breaker);
      await flush();
      await flush();
      expect(unhandled).not.toHaveBeenCalled();
      expect(
        logger.lines.some((l) => l.level === 'error' && l.message?.includes("'open' listener threw")),
      ).toBe(true);
    } finally {
      process.off('unhandledRejection', unhandled);
    }
  });
});

describe('keyed breakers', () => {
  it('a keyed breaker running a half-open trial is not swept as idle, so its replacement cannot run a second trial', async () => {
    const clock = new FakeClock();
    const group = new KeyedBreakers('k', { clock, idleTtl: 1000, failureThreshold: 1, resetTimeout: 10 });
    const breaker = group.get('a');
    await fail(breaker);
    clock.advance(10);
    const trial = deferred<string>();
    const first = breaker.call(() => trial.promise);
    clock.advance(5000);
    group.get('b');
    expect(group.get('a')).toBe(breaker);
    await expect(group.get('a').call(async () => 'second')).rejects.toMatchObject({ state: 'half_open' });
    trial.resolve('ok');
    await expect(first).resolves.toBe('ok');
  });
});
