import fc from 'fast-check';
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

describe('CountWindow packing', () => {
  it('keeps two bits a call and agrees with a plain list of the last `size` outcomes', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 37 }),
        fc.array(fc.integer({ min: 0, max: 3 }), { maxLength: 200 }),
        (size, flags) => {
          const window = new CountWindow(size);
          const model: number[] = [];
          for (const f of flags) {
            window.record(f);
            model.push(f);
            if (model.length > size) model.shift();
            expect(window.calls).toBe(model.length);
            expect(window.failures).toBe(model.filter((m) => m & FAILURE).length);
            expect(window.slowCalls).toBe(model.filter((m) => m & SLOW).length);
          }
        },
      ),
    );
  });
});
