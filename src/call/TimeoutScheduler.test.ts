import { describe, expect, it } from 'vitest';
import { FakeClock } from '../clock/FakeClock.js';
import { type Deadline, type DeadlineBucket, TimeoutScheduler } from './TimeoutScheduler.js';

class Probe implements Deadline {
  deadlinePrev: Deadline | undefined = undefined;
  deadlineNext: Deadline | undefined = undefined;
  deadlineBucket: DeadlineBucket | undefined = undefined;
  expiredAt: number | undefined;
  constructor(private readonly clock: FakeClock) {}
  expire(): void {
    this.expiredAt = this.clock.now();
  }
}

describe('TimeoutScheduler', () => {
  it('shares one timer between deadlines in the same bucket', () => {
    const clock = new FakeClock();
    const scheduler = new TimeoutScheduler(clock);
    const probes = Array.from({ length: 100 }, () => new Probe(clock));
    for (const probe of probes) scheduler.schedule(probe, 1000);
    expect(clock.pendingTimers).toBe(1);
    clock.advance(1000);
    expect(probes.every((probe) => probe.expiredAt === 1000)).toBe(true);
  });

  it('fires no earlier than asked and at most max(10 ms, 1%) later', () => {
    for (const [start, timeout] of [
      [3, 50],
      [7, 2000],
      [1234, 100_000],
    ] as const) {
      const clock = new FakeClock({ now: start });
      const scheduler = new TimeoutScheduler(clock);
      const probe = new Probe(clock);
      scheduler.schedule(probe, timeout);
      clock.advance(timeout - 1);
      expect(probe.expiredAt).toBeUndefined();
      clock.advance(Math.max(10, timeout / 100) + 1);
      expect(probe.expiredAt).toBeGreaterThanOrEqual(start + timeout);
      expect(probe.expiredAt).toBeLessThanOrEqual(start + timeout + Math.max(10, timeout / 100));
    }
  });

  it('releases the shared timer when the last deadline in its bucket is cancelled, and reuses it', () => {
    const clock = new FakeClock();
    const scheduler = new TimeoutScheduler(clock);
    const [a, b, c] = [new Probe(clock), new Probe(clock), new Probe(clock)];
    scheduler.schedule(a, 100);
    scheduler.schedule(b, 100);
    scheduler.cancel(b);
    expect(clock.refedTimers).toBe(1); // a still waits on it
    scheduler.cancel(a);
    expect(clock.refedTimers).toBe(0); // nothing waits: it no longer keeps a process alive
    expect(scheduler.pending).toBe(0);
    scheduler.schedule(c, 100); // same bucket: the timer is reused, not set again
    expect([clock.pendingTimers, clock.refedTimers]).toEqual([1, 1]);
    scheduler.cancel(c);
    clock.advance(200);
    expect([a.expiredAt, b.expiredAt, c.expiredAt]).toEqual([undefined, undefined, undefined]);
    expect(clock.pendingTimers).toBe(0); // the idle timer fired once, empty, and is gone
  });

  it('clears the timer outright when the clock’s handles cannot be unref’d', () => {
    const fake = new FakeClock();
    let id = 0;
    const handles = new Map<number, unknown>();
    const plain = {
      now: () => fake.now(),
      setTimeout: (callback: () => void, ms: number) => {
        handles.set(++id, fake.setTimeout(callback, ms));
        return id;
      },
      clearTimeout: (handle: unknown) => fake.clearTimeout(handles.get(handle as number)),
    };
    const scheduler = new TimeoutScheduler(plain);
    const probe = new Probe(fake);
    scheduler.schedule(probe, 100);
    scheduler.cancel(probe);
    expect(fake.pendingTimers).toBe(0);
  });

  it('never expires a deadline early when the timer fires before the clock is due', () => {
    const fake = new FakeClock();
    const early = {
      now: () => fake.now(),
      setTimeout: (callback: () => void, ms: number) => fake.setTimeout(callback, Math.max(0, ms - 0.5)),
      clearTimeout: (handle: unknown) => fake.clearTimeout(handle),
    };
    const scheduler = new TimeoutScheduler(early);
    const probe = new Probe(fake);
    scheduler.schedule(probe, 100);
    fake.advance(99);
    expect(probe.expiredAt).toBeUndefined();
    fake.advance(1);
    expect(probe.expiredAt).toBe(100);
  });

  it('a throwing deadline does not stop the others in its bucket', () => {
    const clock = new FakeClock();
    const scheduler = new TimeoutScheduler(clock);
    const bad = new (class extends Probe {
      override expire(): void {
        throw new Error('bad');
      }
    })(clock);
    const good = new Probe(clock);
    scheduler.schedule(bad, 100);
    scheduler.schedule(good, 100);
    clock.advance(110);
    expect(good.expiredAt).toBeDefined();
  });
});
