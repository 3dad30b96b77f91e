import { describe, expect, it } from 'vitest';
import { FakeClock } from './FakeClock.js';

describe('FakeClock', () => {
  it('starts at 0 and advances monotonic and wall time together', () => {
    const clock = new FakeClock({ wallNow: 1_000_000 });
    expect(clock.now()).toBe(0);
    clock.advance(250);
    expect(clock.now()).toBe(250);
    expect(clock.wallNow()).toBe(1_000_250);
  });

  it('runs due timers in order, each at its own time, including timers they schedule', () => {
    const clock = new FakeClock();
    const ran: string[] = [];
    clock.setTimeout(() => ran.push(`b@${clock.now()}`), 20);
    clock.setTimeout(() => {
      ran.push(`a@${clock.now()}`);
      clock.setTimeout(() => ran.push(`c@${clock.now()}`), 5);
    }, 10);
    const cleared = clock.setTimeout(() => ran.push('never'), 15);
    clock.clearTimeout(cleared);
    clock.advance(30);
    expect(ran).toEqual(['a@10', 'c@15', 'b@20']);
    expect(clock.pendingTimers).toBe(0);
  });

  it('tells which timers would keep a process alive', () => {
    const clock = new FakeClock();
    clock.setTimeout(() => {}, 10).unref();
    clock.setTimeout(() => {}, 10);
    expect([clock.pendingTimers, clock.refedTimers]).toEqual([2, 1]);
  });

  it('rethrows a throwing timer after reaching the target time', () => {
    const clock = new FakeClock();
    clock.setTimeout(() => {
      throw new Error('boom');
    }, 5);
    expect(() => clock.advance(10)).toThrow('boom');
    expect(clock.now()).toBe(10);
  });
});
