import { describe, expect, it, vi } from 'vitest';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';
import { CircuitBreakerOpenError } from './errors/CircuitBreakerOpenError.js';
import { RetryBudget } from './retry/RetryBudget.js';
import { parseRetryAfter } from './retry/retryAfter.js';
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
      [
        { retryOnResult: 503 as never },
        new TypeError('Expected `retryOnResult` to be a function (value) => boolean, got `503`'),
      ],
      [
        { onRetry: 'log' as never },
        new TypeError('Expected `onRetry` to be a function (error, attempt, delay) => void, got `"log"`'),
      ],
      [
        { budget: { ratio: 0.1 } as never },
        new TypeError('Expected `budget` to be a RetryBudget, got `{"ratio":0.1}`'),
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
          'Unknown retry option `tries`; the options are maxAttempts, delay, multiplier, maxDelay, jitter, retryOn, retryOnResult, onRetry, budget, signal, breaker, clock',
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

describe('retry: hooks, results and Retry-After (DESIGN section 13)', () => {
  it('calls onRetry(error, attempt, delay) before each wait, and ignores what it throws', async () => {
    const clock = new FakeClock();
    const { fn } = flaky(2);
    const seen: [string, number, number][] = [];
    const result = retry(fn, {
      clock,
      jitter: 'none',
      onRetry: (error, attempt, delay) => {
        seen.push([(error as Error).message, attempt, delay]);
        throw new Error('a broken logger');
      },
    });
    await flush();
    expect(seen).toEqual([['fail 1', 1, 100]]);
    clock.advance(100);
    await flush();
    clock.advance(200);
    await expect(result).resolves.toBe('ok');
    expect(seen).toEqual([
      ['fail 1', 1, 100],
      ['fail 2', 2, 200],
    ]);
  });

  it('retries a value retryOnResult marks, and returns the last value when the attempts run out', async () => {
    const clock = new FakeClock();
    const statuses = [503, 503, 200];
    let calls = 0;
    const fn = () => ({ status: statuses[calls++] });
    const retried: unknown[] = [];
    const first = retry(fn, {
      clock,
      jitter: 'none',
      retryOnResult: (value) => value.status === 503,
      onRetry: (value) => retried.push(value),
    });
    await flush();
    clock.advance(100);
    await flush();
    clock.advance(200);
    await expect(first).resolves.toEqual({ status: 200 });
    expect(retried).toEqual([{ status: 503 }, { status: 503 }]);

    const busy = retry(() => ({ status: 503 }), {
      clock,
      jitter: 'none',
      maxAttempts: 2,
      retryOnResult: () => true,
    });
    await flush();
    clock.advance(100);
    await expect(busy).resolves.toEqual({ status: 503 });
  });

  it('waits what a numeric retryAfter asks (ms), capped at maxDelay; an open circuit is still never retried', async () => {
    const clock = new FakeClock();
    const slowDown = Object.assign(new Error('slow down'), { retryAfter: 1_500 });
    let calls = 0;
    const delays: number[] = [];
    const result = retry(
      () => {
        if (++calls < 3) throw calls === 1 ? slowDown : Object.assign(new Error('x'), { retryAfter: 60_000 });
        return 'ok';
      },
      { clock, maxDelay: 5_000, onRetry: (_e, _a, delay) => delays.push(delay) },
    );
    await flush();
    clock.advance(1_499);
    await flush();
    expect(calls).toBe(1);
    clock.advance(1);
    await flush();
    expect(calls).toBe(2);
    clock.advance(5_000);
    await expect(result).resolves.toBe('ok');
    expect(delays).toEqual([1_500, 5_000]);

    const open = new CircuitBreakerOpenError('x', 'open', 100);
    const fn = vi.fn(() => Promise.reject(open));
    await expect(retry(fn, { clock })).rejects.toBe(open);
    expect(fn).toHaveBeenCalledTimes(1);
  });

  it("waits what a Response's Retry-After header asks, in seconds or as an HTTP date", async () => {
    const clock = new FakeClock({ wallNow: Date.UTC(2026, 0, 1, 12, 0, 0) });
    const answers = [
      new Response(null, { status: 503, headers: { 'Retry-After': '2' } }),
      new Response(null, { status: 429, headers: { 'Retry-After': 'Thu, 01 Jan 2026 12:00:05 GMT' } }),
      new Response('done', { status: 200 }),
    ];
    let calls = 0;
    const delays: number[] = [];
    const result = retry(() => answers[calls++]!, {
      clock,
      retryOnResult: (response) => response.status !== 200,
      onRetry: (_r, _a, delay) => delays.push(delay),
    });
    await flush();
    clock.advance(2_000);
    await flush();
    expect(calls).toBe(2);
    // The date is 5 s after the wall clock, which has moved 2 s.
    clock.advance(3_000);
    await expect(result).resolves.toBe(answers[2]);
    expect(delays).toEqual([2_000, 3_000]);
    // An HTTP client's error that carries the response (ky's HTTPError, say) counts too.
    const error = Object.assign(new Error('HTTP 503'), {
      response: new Response(null, { status: 503, headers: { 'Retry-After': '1' } }),
    });
    let tries = 0;
    const viaError = retry(
      () => {
        if (++tries === 1) throw error;
        return 'ok';
      },
      { clock, onRetry: (_e, _a, delay) => delays.push(delay) },
    );
    await flush();
    clock.advance(1_000);
    await expect(viaError).resolves.toBe('ok');
    expect(delays.at(-1)).toBe(1_000);
  });
});

describe('parseRetryAfter', () => {
  const now = Date.UTC(1994, 10, 6, 8, 49, 30);
  it('reads delay-seconds and the three HTTP-date forms (the obsolete ones in UTC), and nothing else', () => {
    expect(parseRetryAfter('120', now)).toBe(120_000);
    expect(parseRetryAfter(' 0 ', now)).toBe(0);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:37 GMT', now)).toBe(7_000);
    expect(parseRetryAfter('Sunday, 06-Nov-94 08:49:37 GMT', now)).toBe(7_000);
    expect(parseRetryAfter('Sun Nov  6 08:49:37 1994', now)).toBe(7_000);
    expect(parseRetryAfter('Sun, 06 Nov 1994 08:49:00 GMT', now)).toBe(0);
    for (const bad of ['-1', '1.5', 'soon', '2026-01-01T00:00:00Z', 'Sun, 06 Nov 1994 08:49:37 PST', '']) {
      expect(parseRetryAfter(bad, now)).toBeUndefined();
    }
  });
});

describe('retry({ budget })', () => {
  it('ends a call with its last error once the shared budget is spent, and counts the refusal', async () => {
    const clock = new FakeClock();
    // No reserve: retries may add 50% of the calls.
    const budget = new RetryBudget({ ratio: 0.5, minPerSecond: 0, clock });
    const failing = () => Promise.reject(new Error('down'));
    const calls = Array.from({ length: 4 }, () =>
      retry(failing, { clock, budget, maxAttempts: 5, jitter: 'none' }).catch((e: unknown) => e),
    );
    for (let i = 0; i < 10; i++) {
      await flush();
      clock.advance(1_000);
    }
    const errors = await Promise.all(calls);
    expect(errors.every((e) => (e as Error).message === 'down')).toBe(true);
    // Two retries (50% of 4 calls) were allowed; every call ended at its first refused retry.
    expect(budget.metrics()).toMatchObject({ calls: 4, retries: 2, refused: 4 });
  });

  it('returns the last value when the budget refuses a retry of a result', async () => {
    const clock = new FakeClock();
    const budget = new RetryBudget({ ratio: 0, minPerSecond: 0, clock });
    await expect(retry(() => 503, { clock, budget, retryOnResult: () => true })).resolves.toBe(503);
    expect(budget.metrics()).toMatchObject({ calls: 1, retries: 0, refused: 1 });
  });
});
