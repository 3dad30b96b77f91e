import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';

// What exporters read from a breaker: transitions by state, the latency histogram, and a sampled
// latency event that does not make every call timed.

describe('what exporters read', () => {
  it('metrics().transitions counts transitions by from and to state', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, failureThreshold: 1, resetTimeout: 10 });
    await breaker.call(() => Promise.reject(new Error('x'))).catch(() => {});
    clock.advance(10);
    await breaker.call(() => Promise.reject(new Error('x'))).catch(() => {});
    breaker.forceOpen();
    expect(breaker.metrics().transitions).toEqual({
      closed: { open: 1 },
      open: { half_open: 1, forced_open: 1 },
      half_open: { open: 1 },
    });
    expect(breaker.metrics().stateTransitions).toBe(4);
    breaker.reset();
    expect(breaker.metrics().transitions).toEqual({});
  });

  it('latencyHistogram() holds the sampled durations over the shared bounds', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, latencySampling: 1 });
    await breaker.call(async () => {
      clock.advance(12);
    });
    const histogram = breaker.latencyHistogram();
    expect(histogram.count).toBe(1);
    expect(histogram.sum).toBe(12);
    expect(histogram.counts[histogram.bounds.findIndex((bound) => 12 < bound)]).toBe(1);
    expect(new CircuitBreaker().latencyHistogram().count).toBe(0);
  });

  it("'latencySample' follows latencySampling: listening does not time every call", async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ clock, latencySampling: 0.5 });
    const samples: number[] = [];
    breaker.on('latencySample', ({ duration }) => samples.push(duration));
    for (let i = 0; i < 10; i++) {
      await breaker.call(async () => {
        clock.advance(2);
      });
    }
    expect(samples).toEqual([2, 2, 2, 2, 2]);
    expect(breaker.metrics().inFlight).toBe(0);
  });
});
