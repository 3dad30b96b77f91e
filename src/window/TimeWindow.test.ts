import { describe, expect, it } from 'vitest';
import { FAILURE, SLOW } from './OutcomeWindow.js';
import { TimeWindow } from './TimeWindow.js';

describe('TimeWindow', () => {
  it('counts outcomes of the last duration', () => {
    const window = new TimeWindow(1000, 10);
    window.record(FAILURE, 0);
    window.record(SLOW, 450);
    window.record(0, 950);
    expect([window.calls, window.failures, window.slowCalls]).toEqual([3, 1, 1]);
    window.advance(1000); // the slice [0, 100) is now older than 1000 ms
    expect([window.calls, window.failures, window.slowCalls]).toEqual([2, 0, 1]);
    window.advance(1500);
    expect([window.calls, window.slowCalls]).toEqual([1, 0]);
  });

  it('a time window forgets old buckets after idling', () => {
    const window = new TimeWindow(60_000, 10);
    for (let t = 0; t < 60_000; t += 1000) window.record(FAILURE, t);
    expect(window.calls).toBe(60);
    window.advance(60_000 * 50 + 3);
    expect([window.calls, window.failures]).toEqual([0, 0]);
    window.record(0, 60_000 * 50 + 5);
    expect([window.calls, window.failures]).toEqual([1, 0]);
  });

  it('never holds anything older than its duration', () => {
    const window = new TimeWindow(1000, 4);
    window.record(FAILURE, 0);
    window.advance(999);
    expect(window.failures).toBe(1);
    window.advance(1000);
    expect(window.failures).toBe(0);
  });
});

describe('TimeWindow on a clock below zero', () => {
  it('counts as anywhere else (a negative slice index wraps instead of yielding NaN)', () => {
    const window = new TimeWindow(1000, 10);
    window.record(FAILURE, -5000);
    window.record(0, -4950);
    window.record(FAILURE, -4420);
    expect([window.calls, window.failures]).toEqual([3, 2]);
    window.advance(-4000);
    expect([window.calls, window.failures]).toEqual([1, 1]);
    window.advance(-3000);
    expect([window.calls, window.failures]).toEqual([0, 0]);
  });
});
