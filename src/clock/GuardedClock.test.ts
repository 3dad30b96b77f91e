import { describe, expect, it } from 'vitest';
import { recordingLogger } from '../../test/support/flush.js';
import { HostileClock } from '../../test/support/hostile.js';
import { type Clock, systemClock } from './Clock.js';
import { FakeClock } from './FakeClock.js';
import { GuardedClock, guardClock, isTrustedClock } from './GuardedClock.js';

describe('GuardedClock', () => {
  it('passes good readings through unchanged', () => {
    const clock = new HostileClock();
    const guarded = guardClock(clock, undefined);
    expect(guarded.now()).toBe(0);
    clock.advance(1234.5);
    expect(guarded.now()).toBe(1234.5);
  });

  for (const fault of ['nan', 'infinity', '-infinity', 'string', 'throw'] as const) {
    it(`a reading that is ${fault} is replaced by the last good reading, and time goes on after it`, () => {
      const clock = new HostileClock();
      const guarded = guardClock(clock, undefined);
      clock.advance(500);
      expect(guarded.now()).toBe(500);
      clock.fault = fault;
      clock.advance(100);
      expect(guarded.now()).toBe(500);
      clock.fault = 'none';
      expect(guarded.now()).toBe(600);
    });
  }

  it('a reading earlier than the last rebases: a jump back of an hour is a step of 0', () => {
    const clock = new HostileClock();
    const guarded = guardClock(clock, undefined);
    clock.advance(10_000);
    expect(guarded.now()).toBe(10_000);
    clock.offset = -3_600_000;
    expect(guarded.now()).toBe(10_000);
    clock.advance(250);
    expect(guarded.now()).toBe(10_250); // at the clock's rate from the last good reading
    clock.offset = 0; // and forward again: the clock's steps, never a second jump
    clock.advance(0);
    expect(guarded.now()).toBeGreaterThanOrEqual(10_250);
  });

  it('a clock that is bad from its first reading starts at 0 and follows the clock once it works', () => {
    const clock = new HostileClock();
    clock.fault = 'throw';
    const guarded = guardClock(clock, undefined);
    expect(guarded.now()).toBe(0);
    clock.fault = 'none';
    clock.advance(700);
    expect(guarded.now()).toBe(700);
  });

  it('reports each kind of fault once, as a warn line', () => {
    const logger = recordingLogger();
    const clock = new HostileClock();
    const guarded = guardClock(clock, logger);
    clock.fault = 'throw';
    guarded.now();
    guarded.now();
    clock.fault = 'nan';
    guarded.now();
    guarded.now();
    clock.fault = 'none';
    clock.offset = -100;
    guarded.now();
    clock.offset = -200;
    guarded.now();
    expect(logger.lines.map((line) => line.level)).toEqual(['warn', 'warn', 'warn']);
    expect(logger.lines[0]?.message).toMatch(/now\(\) threw.*reported once/);
    expect(logger.lines[0]?.fields.err).toBeInstanceOf(Error);
    expect(logger.lines[1]?.message).toMatch(/not a finite number/);
    expect(logger.lines[2]?.message).toMatch(/went back in time/);
  });

  it('a setTimeout that throws falls back to the global timer (which clearTimeout clears)', async () => {
    const clock = new HostileClock();
    clock.setTimeoutThrows = true;
    const guarded = guardClock(clock, undefined);
    let fired = 0;
    const handle = guarded.setTimeout(() => fired++, 1);
    guarded.clearTimeout(handle);
    const kept = guarded.setTimeout(() => fired++, 1);
    expect(kept).toBeDefined();
    await new Promise<void>((resolve) => {
      const until = (): void => {
        if (fired > 0) resolve();
        else setTimeout(until, 5);
      };
      until();
    });
    expect(fired).toBe(1);
  });

  it('a clearTimeout that throws is ignored', () => {
    const clock = new HostileClock();
    const guarded = guardClock(clock, undefined);
    const handle = guarded.setTimeout(() => {}, 10);
    clock.clearTimeoutThrows = true;
    expect(() => guarded.clearTimeout(handle)).not.toThrow();
  });

  it('wallNow falls back to Date.now() when the clock has none or it fails', () => {
    const before = Date.now();
    const bare: Clock = { now: () => 1, setTimeout: () => 0, clearTimeout: () => {} };
    expect(guardClock(bare, undefined).wallNow?.()).toBeGreaterThanOrEqual(before);
    const broken: Clock = { ...bare, wallNow: () => Number.NaN };
    expect(guardClock(broken, undefined).wallNow?.()).toBeGreaterThanOrEqual(before);
    const throwing: Clock = {
      ...bare,
      wallNow: () => {
        throw new Error('no wall');
      },
    };
    expect(guardClock(throwing, undefined).wallNow?.()).toBeGreaterThanOrEqual(before);
    expect(guardClock({ ...bare, wallNow: () => 42 }, undefined).wallNow?.()).toBe(42);
  });

  it('trusts the system clock and FakeClock (never wrapped), and guards anything else once per clock and logger', () => {
    const fake = new FakeClock();
    expect(guardClock(systemClock, undefined)).toBe(systemClock);
    expect(guardClock(fake, undefined)).toBe(fake);
    const tampered = new FakeClock();
    tampered.now = () => Number.NaN;
    expect(isTrustedClock(tampered)).toBe(false);
    class Subclass extends FakeClock {}
    expect(isTrustedClock(new Subclass())).toBe(false);

    const clock = new HostileClock();
    const logger = recordingLogger();
    const guarded = guardClock(clock, logger);
    expect(guarded).toBeInstanceOf(GuardedClock);
    expect(guardClock(clock, logger)).toBe(guarded);
    expect(guardClock(guarded, logger)).toBe(guarded);
    expect(guardClock(clock, undefined)).not.toBe(guarded);
  });
});
