import { describe, expect, it } from 'vitest';
import { CountWindow } from './CountWindow.js';
import { FAILURE, SLOW } from './OutcomeWindow.js';

describe('CountWindow', () => {
  it('keeps running counts of the last `size` outcomes', () => {
    const window = new CountWindow(3);
    window.record(FAILURE);
    window.record(0);
    window.record(FAILURE | SLOW);
    expect([window.calls, window.failures, window.slowCalls]).toEqual([3, 2, 1]);
    window.record(0); // evicts the first failure
    expect([window.calls, window.failures, window.slowCalls]).toEqual([3, 1, 1]);
    window.record(0);
    window.record(0); // evicts the slow failure
    expect([window.calls, window.failures, window.slowCalls]).toEqual([3, 0, 0]);
  });

  it('starts over after clear()', () => {
    const window = new CountWindow(2);
    window.record(FAILURE);
    window.clear();
    window.record(0);
    window.record(FAILURE);
    window.record(FAILURE);
    expect([window.calls, window.failures]).toEqual([2, 2]);
  });
});

describe('CountWindow.fillWithSuccesses', () => {
  it('starts as if that many successes had been recorded, keeping at most `size`', () => {
    const window = new CountWindow(3);
    window.fillWithSuccesses(2);
    window.record(FAILURE);
    expect([window.calls, window.failures]).toEqual([3, 1]);
    window.record(0); // evicts the first of the filled successes
    expect([window.calls, window.failures]).toEqual([3, 1]);
    window.record(0);
    window.record(0); // evicts the failure
    expect([window.calls, window.failures]).toEqual([3, 0]);
    const full = new CountWindow(2);
    full.fillWithSuccesses(10);
    full.record(FAILURE);
    expect([full.calls, full.failures]).toEqual([2, 1]);
  });
});
