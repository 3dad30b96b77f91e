import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/FakeClock.js';
import { RetryBudget, type RetryBudgetOptions } from './RetryBudget.js';

/** Asks for `n` retries; returns how many were allowed. */
function retries(budget: RetryBudget, n: number): number {
  let allowed = 0;
  for (let i = 0; i < n; i++) if (budget.tryRetry()) allowed++;
  return allowed;
}

describe('RetryBudget', () => {
  it('allows `ratio` of the calls over `duration` plus `minPerSecond`, and counts the refusals', () => {
    const clock = new FakeClock();
    const budget = new RetryBudget({ clock }); // 0.1 of the calls, plus 10 a second over 10 s
    for (let i = 0; i < 1_000; i++) budget.recordCall();
    expect(budget.metrics().available).toBe(200);
    expect(retries(budget, 250)).toBe(200);
    expect(budget.metrics()).toEqual({
      calls: 1_000,
      retries: 200,
      refused: 50,
      windowCalls: 1_000,
      windowRetries: 200,
      available: 0,
    });
    // Ten more calls earn one more retry.
    for (let i = 0; i < 10; i++) budget.recordCall();
    expect(retries(budget, 5)).toBe(1);
  });

  it('forgets calls and retries older than `duration`, a tenth of it at a time', () => {
    const clock = new FakeClock();
    const budget = new RetryBudget({ ratio: 0.5, minPerSecond: 0, duration: 1_000, clock });
    for (let i = 0; i < 10; i++) budget.recordCall();
    expect(retries(budget, 10)).toBe(5);
    clock.advance(500);
    for (let i = 0; i < 10; i++) budget.recordCall();
    expect(retries(budget, 10)).toBe(5);
    clock.advance(500); // the first calls and retries leave the window
    expect(budget.metrics()).toMatchObject({ windowCalls: 10, windowRetries: 5, available: 0 });
    clock.advance(500);
    expect(budget.metrics()).toMatchObject({ windowCalls: 0, windowRetries: 0, available: 0 });
    expect(budget.metrics()).toMatchObject({ calls: 20, retries: 10, refused: 10 });
    // Long after, everything is forgotten at once.
    clock.advance(1e9);
    for (let i = 0; i < 2; i++) budget.recordCall();
    expect(retries(budget, 2)).toBe(1);
  });

  it('lets a quiet service retry: `minPerSecond` without any call', () => {
    const budget = new RetryBudget({ minPerSecond: 1, duration: 5_000, clock: new FakeClock() });
    expect(retries(budget, 10)).toBe(5);
  });

  it('keeps its window when the clock goes back, throws, or reads NaN', () => {
    let now = 10_000;
    const budget = new RetryBudget({
      ratio: 1,
      minPerSecond: 0,
      clock: {
        now: () => {
          if (now === -1) throw new Error('broken clock');
          return now;
        },
      },
    });
    budget.recordCall();
    now = 0;
    budget.recordCall();
    now = -1;
    budget.recordCall();
    now = Number.NaN;
    expect(retries(budget, 5)).toBe(3);
    expect(budget.metrics()).toMatchObject({ windowCalls: 3, windowRetries: 3 });
  });

  it('validates its options with clear errors', () => {
    const cases: [RetryBudgetOptions, Error][] = [
      [{ ratio: -0.1 }, new RangeError('Expected `ratio` to be a number >= 0, got `-0.1`')],
      [{ ratio: '10%' as never }, new TypeError('Expected `ratio` to be a number >= 0, got `"10%"`')],
      [{ duration: 0 }, new RangeError('Expected `duration` to be a duration in ms > 0, got `0`')],
      [
        { duration: Number.POSITIVE_INFINITY },
        new RangeError('Expected `duration` to be a duration in ms > 0, got `Infinity`'),
      ],
      [{ minPerSecond: Number.NaN }, new TypeError('Expected `minPerSecond` to be a number >= 0, got `NaN`')],
      [{ clock: {} as never }, new TypeError('Expected `clock` to be an object with now(), got `{}`')],
      [{ ratoi: 0.1 } as never, new TypeError('Unknown retry budget option `ratoi`; did you mean `ratio`?')],
    ];
    for (const [options, error] of cases) expect(() => new RetryBudget(options)).toThrow(error);
    expect(() => new RetryBudget(null as never)).toThrow(
      new TypeError('Expected `options` to be an object, got `null`'),
    );
  });
});
