import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../CircuitBreaker.js';
import { FakeClock } from '../clock/FakeClock.js';
import { COARSE_TICK_MS, CoarseClock } from './CoarseClock.js';

describe('CoarseClock', () => {
  it('is never more than one tick behind, and reads the clock once a tick at most', () => {
    const clock = new FakeClock({ now: 1000 });
    let reads = 0;
    const counting = {
      ...clock,
      now: () => {
        reads++;
        return clock.now();
      },
      setTimeout: clock.setTimeout.bind(clock),
      clearTimeout: clock.clearTimeout.bind(clock),
    };
    const coarse = new CoarseClock(counting);
    expect(coarse.now()).toBe(1000);
    for (let t = 0; t < 1000; t += 7) {
      clock.advance(7);
      expect(clock.now() - coarse.now()).toBeLessThanOrEqual(COARSE_TICK_MS);
    }
    expect(reads).toBeLessThanOrEqual(1000 / COARSE_TICK_MS + 2);
  });

  it('stops its timer when nothing reads it, and starts again from the clock’s time', () => {
    const clock = new FakeClock();
    const coarse = new CoarseClock(clock);
    coarse.now();
    expect(clock.pendingTimers).toBe(1);
    expect(clock.refedTimers).toBe(0);
    clock.advance(COARSE_TICK_MS * 3);
    expect(clock.pendingTimers).toBe(0);
    clock.advance(10_000);
    expect(coarse.now()).toBe(clock.now());
  });

  it('lets a time window with one-second slices place outcomes to within a tick, and leaves no timer behind', () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({
      clock,
      failureRateThreshold: 1,
      minimumCalls: 1000,
      window: { type: 'time', duration: 10_000, buckets: 10 },
    });
    for (let i = 0; i < 100; i++) {
      breaker.callSync(() => 1);
      clock.advance(100);
    }
    // At 10 s the window holds its last nine full slices (the first just aged out), as with the clock's own time.
    expect(breaker.metrics().windowCalls).toBe(90);
    clock.advance(5_000);
    expect(breaker.metrics().windowCalls).toBeGreaterThanOrEqual(39);
    expect(breaker.metrics().windowCalls).toBeLessThanOrEqual(41);
    clock.advance(60_000);
    expect(breaker.metrics().windowCalls).toBe(0);
    clock.advance(COARSE_TICK_MS * 3);
    expect(clock.pendingTimers).toBe(0);
  });
});
