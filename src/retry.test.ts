import { describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';
import { CircuitBreakerOpenError } from './errors/CircuitBreakerOpenError.js';
import { type RetryOptions, retry } from './retry.js';

/** Lets pending promise callbacks run (no time passes on the clock). */
async function flush(): Promise<void> {
  for (let i = 0; i < 10; i++) await Promise.resolve();
}

/** A function failing `failures` times, then returning 'ok'; records the attempts it saw. */
function flaky(failures: number) {
  const attempts: number[] = [];
  const fn = vi.fn(({ attempt }: { attempt: number }) => {
    attempts.push(attempt);
    if (attempts.length <= failures) return Promise.reject(new Error(`fail ${attempts.length}`));
    return Promise.resolve('ok');
  });
  return { fn, attempts };
}

describe('retry', () => {
  it('returns the first success, passing the attempt number', async () => {
    const clock = new FakeClock();
    const { fn, attempts } = flaky(2);
    const result = retry(fn, { clock, jitter: 'none' });
    await flush();
    expect(attempts).toEqual([1]);
    clock.advance(100);
    await flush();
    expect(attempts).toEqual([1, 2]);
    clock.advance(200);
    await expect(result).resolves.toBe('ok');
    expect(attempts).toEqual([1, 2, 3]);
  });

  it('waits delay × multiplier^n, capped at maxDelay, and uses only ordinary timers released when settled', async () => {
    const clock = new FakeClock();
    const { fn, attempts } = flaky(10);
    const result = retry(fn, {
      clock,
      jitter: 'none',
      maxAttempts: 5,
      delay: 100,
      multiplier: 3,
      maxDelay: 500,
    });
    result.catch(() => {});
    for (const [wait, expected] of [
      [100, 2],
      [300, 3],
      [500, 4],
      [500, 5],
    ] as const) {
      await flush();
      expect(clock.refedTimers).toBe(1);
      clock.advance(wait - 1);
      await flush();
      expect(attempts.length).toBe(expected - 1);
      clock.advance(1);
      await flush();
      expect(attempts.length).toBe(expected);
    }
    await expect(result).rejects.toThrow('fail 5');
    expect(clock.pendingTimers).toBe(0);
  });

  it('full jitter waits a random time in [0, delay]', async () => {
    const clock = new FakeClock();
    vi.spyOn(Math, 'random').mockReturnValue(0.25);
    const { fn, attempts } = flaky(1);
    const result = retry(fn, { clock, delay: 400 });
    await flush();
    clock.advance(99);
    await flush();
    expect(attempts).toEqual([1]);
    clock.advance(1);
    await expect(result).resolves.toBe('ok');
  });

  it('rejects with the last error once the attempts run out', async () => {
    const clock = new FakeClock();
    const { fn } = flaky(5);
    const result = retry(fn, { clock, maxAttempts: 2, jitter: 'none' });
    await flush();
    clock.advance(100);
    await expect(result).rejects.toThrow('fail 2');
    expect(fn).toHaveBeenCalledTimes(2);
  });

  it('retryOn decides, given the error and the attempt', async () => {
    const clock = new FakeClock();
    const { fn } = flaky(5);
    const retryOn = vi.fn((_error: unknown, attempt: number) => attempt < 2);
    const result = retry(fn, { clock, retryOn, jitter: 'none' });
    await flush();
    clock.advance(100);
    await expect(result).rejects.toThrow('fail 2');
    expect(retryOn.mock.calls.map(([error, attempt]) => [(error as Error).message, attempt])).toEqual([
      ['fail 1', 1],
      ['fail 2', 2],
    ]);
  });

  it('never retries a CircuitBreakerOpenError, whatever retryOn says', async () => {
    const fn = vi.fn(() => Promise.reject(new CircuitBreakerOpenError('x', 'open', 1000)));
    await expect(retry(fn, { retryOn: () => true })).rejects.toBeInstanceOf(CircuitBreakerOpenError);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('goes through the breaker: each attempt counts, and its opening stops the retries', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 2 });
    const { fn } = flaky(10);
    const result = retry(fn, { clock, breaker, maxAttempts: 5, jitter: 'none' });
    await flush();
    clock.advance(100);
    await flush();
    expect(breaker.state).toBe('open');
    clock.advance(200);
    await expect(result).rejects.toBeInstanceOf(CircuitBreakerOpenError);
    expect(fn).toHaveBeenCalledTimes(2);
    expect(breaker.metrics()).toMatchObject({ failedCalls: 2, rejectedCalls: 1 });
  });

  it('gives the attempt the breaker’s signal, which aborts on the breaker’s timeout', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, timeout: 50 });
    const signals: AbortSignal[] = [];
    const result = retry(
      ({ signal }) => {
        signals.push(signal);
        return new Promise<never>(() => {});
      },
      { clock, breaker, maxAttempts: 1 },
    );
    await flush();
    clock.advance(60);
    await expect(result).rejects.toMatchObject({ code: 'ERR_CIRCUIT_TIMEOUT' });
    expect(signals[0]?.aborted).toBe(true);
  });

  it('an abort stops the waiting at once and rejects with the reason', async () => {
    const clock = new FakeClock();
    const controller = new AbortController();
    const { fn } = flaky(10);
    const result = retry(fn, { clock, signal: controller.signal, delay: 60_000, jitter: 'none' });
    await flush();
    expect(clock.pendingTimers).toBe(1);
    controller.abort(new Error('user gave up'));
    await expect(result).rejects.toThrow('user gave up');
    expect(clock.pendingTimers).toBe(0);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it('an abort during an attempt rejects at once, and the attempt sees its signal abort', async () => {
    const controller = new AbortController();
    let seen: AbortSignal | undefined;
    const result = retry(
      ({ signal }) => {
        seen = signal;
        return new Promise<never>(() => {});
      },
      { signal: controller.signal },
    );
    await flush();
    controller.abort(new Error('stop'));
    await expect(result).rejects.toThrow('stop');
    expect(seen?.aborted).toBe(true);
  });

  it('an already aborted signal calls nothing; an aborted signal is never retried', async () => {
    const fn = vi.fn(() => Promise.reject(new Error('x')));
    await expect(retry(fn, { signal: AbortSignal.abort(new Error('before')) })).rejects.toThrow('before');
    expect(fn).not.toHaveBeenCalled();

    const controller = new AbortController();
    const failing = vi.fn(() => {
      controller.abort(new Error('aborted inside'));
      return Promise.reject(new Error('failed'));
    });
    await expect(retry(failing, { signal: controller.signal })).rejects.toThrow('aborted inside');
    expect(failing).toHaveBeenCalledTimes(1);
  });

  it('accepts sync functions, retrying their throws', async () => {
    const clock = new FakeClock();
    let calls = 0;
    const result = retry(
      () => {
        if (++calls < 2) throw new Error('sync');
        return 42;
      },
      { clock, jitter: 'none' },
    );
    await flush();
    clock.advance(100);
    await expect(result).resolves.toBe(42);
  });

  it('validates its options with clear errors', async () => {
    const ok = (): number => 1;
    const cases: [RetryOptions, Error][] = [
      [
        { maxAttempts: 0 },
        new RangeError('Expected `maxAttempts` to be an integer >= 1, or Infinity, got `0`'),
      ],
      [
        { maxAttempts: 1.5 },
        new RangeError('Expected `maxAttempts` to be an integer >= 1, or Infinity, got `1.5`'),
      ],
      [{ delay: -1 }, new RangeError('Expected `delay` to be a duration in ms >= 0, got `-1`')],
      [{ delay: '5' as never }, new TypeError('Expected `delay` to be a duration in ms >= 0, got `"5"`')],
      [{ multiplier: 0.5 }, new RangeError('Expected `multiplier` to be a number >= 1, got `0.5`')],
      [{ maxDelay: Number.NaN }, new TypeError('Expected `maxDelay` to be a duration in ms >= 0, got `NaN`')],
      [{ jitter: 'half' as never }, new TypeError('Expected `jitter` to be "full" or "none", got `"half"`')],
      [
        { retryOn: true as never },
        new TypeError('Expected `retryOn` to be a function (error, attempt) => boolean, got `true`'),
      ],
      [{ signal: {} as never }, new TypeError('Expected `signal` to be an AbortSignal, got `{}`')],
      [{ breaker: {} as never }, new TypeError('Expected `breaker` to be a CircuitBreaker, got `{}`')],
      [
        { clock: {} as never },
        new TypeError('Expected `clock` to be an object with setTimeout() and clearTimeout(), got `{}`'),
      ],
      [
        { maxAttemps: 3 } as never,
        new TypeError('Unknown retry option `maxAttemps`; did you mean `maxAttempts`?'),
      ],
      [
        { tries: 3 } as never,
        new TypeError(
          'Unknown retry option `tries`; the options are maxAttempts, delay, multiplier, maxDelay, jitter, retryOn, signal, breaker, clock',
        ),
      ],
      // A wait longer than a timer can hold would fire at once: the retries would not wait at all.
      [
        { delay: 2 ** 31 },
        new RangeError(
          'Expected `delay` to be at most 2147483647 ms (~24.8 days, the longest a timer can wait), got `2147483648`',
        ),
      ],
      [
        { maxDelay: 1e12 },
        new RangeError(
          'Expected `maxDelay` to be at most 2147483647 ms (~24.8 days, the longest a timer can wait), got `1000000000000`',
        ),
      ],
    ];
    for (const [options, error] of cases) await expect(retry(ok, options)).rejects.toThrow(error);
    await expect(retry('x' as never)).rejects.toThrow(
      new TypeError('Expected `fn` to be a function, got `"x"`'),
    );
    await expect(retry(ok, { maxAttempts: Number.POSITIVE_INFINITY })).resolves.toBe(1);
  });
});
