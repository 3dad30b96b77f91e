import { afterEach, describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/CircuitBreaker.js';
import { FakeClock } from '../../src/clock/FakeClock.js';
import type { Logger } from '../../src/options.js';
import { CircuitBreakerRegistry } from '../../src/registry/CircuitBreakerRegistry.js';
import type { StateStore } from '../../src/store/StateStore.js';
import { HostileClock, rejectingLogger, settleEventLoop, watchProcessFaults } from '../support/hostile.js';

// DESIGN section 11: a logger method that returns a rejected promise is caught like one that throws,
// everywhere the library logs: transition lines, reportError (a listener, classifier or backoff that
// failed), storeError, the registry's listener errors, the clock's and random's fault lines.

const boom = (): Promise<never> => Promise.reject(new Error('down'));
const ok = (): Promise<string> => Promise.resolve('ok');

/** A store whose every binding fails at once: each breaker bound to it reports a storeError. */
const failingStore: StateStore = {
  bind: () => {
    throw new Error('the store is down');
  },
  close: async () => {},
} as unknown as StateStore;

/** Drives a breaker through every kind of log line: transitions, reportError, storeError, the guards. */
async function everyLogLine(logger: Logger): Promise<void> {
  const clock = new HostileClock();
  const breaker = new CircuitBreaker({
    clock,
    logger,
    store: failingStore,
    failureThreshold: 1,
    resetTimeout: 1000,
    window: { type: 'time', duration: 10_000, buckets: 10 },
    random: () => Number.NaN,
    backoff: { jitter: 0.5 },
  });
  breaker.on('failure', () => {
    throw new Error('a listener threw');
  });
  breaker.on('stateChange', async () => {
    throw new Error('an async listener rejected');
  });
  clock.fault = 'throw'; // the guard's warn line
  await breaker.call(boom).catch(() => {}); // error: opening
  clock.fault = 'none';
  clock.advance(1000); // info: half-open
  await breaker.call(ok); // info: closing
  breaker.forceOpen(); // warn
  breaker.forceClose(); // warn
  breaker.reset();
  breaker.open(); // warn: an operator's open
  const registry = new CircuitBreakerRegistry({ logger });
  registry.on('add', () => {
    throw new Error('a registry listener threw');
  });
  registry.register('one');
}

let faults: ReturnType<typeof watchProcessFaults> | undefined;
afterEach(() => faults?.stop());

describe('a hostile logger', () => {
  it('methods that return rejected promises raise no unhandled rejection, wherever the library logs', async () => {
    faults = watchProcessFaults();
    const logger = rejectingLogger();
    await everyLogLine(logger);
    await settleEventLoop();
    expect(logger.calls).toBeGreaterThanOrEqual(10);
    expect(faults.unhandled).toEqual([]);
  });

  it('methods that throw reach nobody', async () => {
    faults = watchProcessFaults();
    let calls = 0;
    const thrower = (): never => {
      calls++;
      throw new Error('the logger threw');
    };
    await everyLogLine({ info: thrower, warn: thrower, error: thrower });
    await settleEventLoop();
    expect(calls).toBeGreaterThanOrEqual(10);
    expect(faults.unhandled).toEqual([]);
    expect(faults.uncaught).toEqual([]);
  });

  it('methods that return a thenable whose then throws, or a promise of another kind, reach nobody', async () => {
    faults = watchProcessFaults();
    const badThenable = {
      // biome-ignore lint/suspicious/noThenProperty: a hostile thenable is what this test is about
      then: () => {
        throw new Error('then threw');
      },
    };
    const rejected = {
      // biome-ignore lint/suspicious/noThenProperty: a foreign thenable that rejects
      then: (_: unknown, reject: (error: unknown) => void) => reject(new Error('no')),
    };
    const logger: Logger = {
      info: () => badThenable as unknown as undefined,
      warn: () => rejected as unknown as undefined,
      error: () => Promise.reject(new Error('no')) as unknown as undefined,
    };
    await everyLogLine(logger);
    await settleEventLoop();
    expect(faults.unhandled).toEqual([]);
  });

  it('a logger that re-enters the breaker (calls, resets, opens it from a log line) leaves it working', async () => {
    faults = watchProcessFaults();
    const clock = new FakeClock();
    let breaker: CircuitBreaker | undefined;
    let depth = 0;
    const calls: Promise<unknown>[] = [];
    const reenter = async (): Promise<void> => {
      if (breaker === undefined || depth > 2) return;
      depth++;
      try {
        calls.push(breaker.call(ok).catch(() => undefined));
        breaker.metrics();
        if (breaker.state === 'open') breaker.reset();
      } finally {
        depth--;
      }
      throw new Error('and then it rejected');
    };
    breaker = new CircuitBreaker({
      clock,
      failureThreshold: 1,
      resetTimeout: 1000,
      logger: { info: reenter, warn: reenter, error: reenter } as unknown as Logger,
    });
    for (let i = 0; i < 20; i++) {
      await breaker.call(boom).catch(() => {});
      clock.advance(1000);
      await breaker.call(ok).catch(() => {});
    }
    await Promise.all(calls);
    await settleEventLoop();
    expect(breaker.metrics().inFlight).toBe(0);
    breaker.reset();
    await breaker.call(boom).catch(() => {});
    expect(['open', 'closed']).toContain(breaker.state); // a log line may have reset it again
    breaker.reset();
    expect(breaker.state).toBe('closed');
    expect(faults.unhandled).toEqual([]);
    expect(faults.uncaught).toEqual([]);
  });
});
