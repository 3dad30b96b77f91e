import { describe, expect, it } from 'vitest';
import { seeded } from '../test/support/random.js';
import { CircuitBreaker } from './CircuitBreaker.js';
import { FakeClock } from './clock/FakeClock.js';
import type { CircuitBreakerOptions } from './options.js';

// The adaptive failure-rate threshold (DESIGN section 10): it learns the dependency's normal rate and
// trips on a significant rise, not on noise. The statistics are checked on seeded runs.

const ERROR = new Error('down');

function dependency(options: CircuitBreakerOptions<unknown>, seed: number) {
  const random = seeded(seed);
  const breaker = new CircuitBreaker({ clock: new FakeClock(), ...options });
  const call = (failureRate: number): void => {
    try {
      breaker.callSync(() => {
        if (random() < failureRate) throw ERROR;
        return 1;
      });
    } catch {}
  };
  return { breaker, call };
}

describe('adaptive failure-rate threshold', () => {
  it('at the dependency’s own normal rate (8%, window 100) false trips stay under 1 per 10,000 evaluations', () => {
    let trips = 0;
    let evaluations = 0;
    for (let seed = 1; seed <= 5; seed++) {
      const { breaker, call } = dependency({ failureRateThreshold: { adaptive: true } }, seed);
      for (let i = 0; i < 3000; i++) call(0.08); // learns: 10 windows' worth, and more
      expect(breaker.metrics().adaptive).toMatchObject({ learned: true });
      for (let i = 0; i < 100_000; i++) {
        call(0.08);
        if (breaker.state === 'open') {
          trips++;
          breaker.reset(); // keeps the baseline
        }
      }
      evaluations += 100_000 / 10; // one evaluation every tenth of the window
    }
    expect(evaluations).toBe(50_000);
    expect(trips).toBeLessThan(5); // the budget: under 1 per 10,000 evaluations
  });

  it('detects a doubling of the rate (8% → 16%) within 20 windows', () => {
    for (let seed = 1; seed <= 10; seed++) {
      const { breaker, call } = dependency({ failureRateThreshold: { adaptive: true } }, seed);
      for (let i = 0; i < 20_000; i++) call(0.08);
      const baseline = breaker.metrics().adaptive!.baseline;
      expect(baseline).toBeGreaterThan(0.06);
      expect(baseline).toBeLessThan(0.1);
      let calls = 0;
      while (breaker.state === 'closed' && calls < 2000) {
        call(0.16);
        calls++;
      }
      expect(breaker.state, `seed ${seed}`).toBe('open');
      expect(breaker.metrics().windowCalls).toBe(100);
    }
  });

  it('uses `max` until the baseline has seen 10 windows’ worth of calls (a cold start)', () => {
    const cold = dependency({ failureRateThreshold: { adaptive: true, max: 0.5 } }, 7);
    for (let i = 0; i < 900; i++) cold.call(0.3);
    expect(cold.breaker.state).toBe('closed'); // 30% is below max while learning
    expect(cold.breaker.metrics().adaptive).toMatchObject({ learned: false, threshold: 0.5 });
    const hot = dependency({ failureRateThreshold: { adaptive: true, max: 0.5 } }, 7);
    for (let i = 0; i < 200 && hot.breaker.state === 'closed'; i++) hot.call(0.8);
    expect(hot.breaker.state).toBe('open');
  });

  it('never goes below `min`: a dependency that never fails trips only past min', () => {
    const { breaker, call } = dependency({ failureRateThreshold: { adaptive: true, min: 0.1 } }, 3);
    for (let i = 0; i < 3000; i++) call(0);
    expect(breaker.metrics().adaptive).toMatchObject({ baseline: 0, threshold: 0.1, learned: true });
    for (let i = 0; i < 200; i++) call(0.02);
    expect(breaker.state).toBe('closed');
    for (let i = 0; i < 200 && breaker.state === 'closed'; i++) call(0.5);
    expect(breaker.state).toBe('open');
    expect(breaker.metrics().failureRate).toBeGreaterThan(0.1);
  });

  it('evaluates every tenth of a count window, not after every outcome', () => {
    const { breaker } = dependency(
      { failureRateThreshold: { adaptive: true, max: 0.2 }, window: { type: 'count', size: 20 } },
      1,
    );
    const fail = (): void => {
      try {
        breaker.callSync(() => {
          throw ERROR;
        });
      } catch {}
    };
    for (let i = 0; i < 10; i++) breaker.callSync(() => 1);
    fail(); // 11 calls, 1 failure: an evaluation falls on every 2nd call of a 20-call window
    fail(); // 12 calls: evaluated, 2/12 = 17% < 20%
    fail(); // 13 calls, 3/13 = 23%: over max, but no evaluation falls here
    expect(breaker.state).toBe('closed');
    fail(); // 14 calls, 4/14: evaluated
    expect(breaker.state).toBe('open');
  });

  it('with a time window it evaluates when a bucket closes', () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({
      clock,
      failureRateThreshold: { adaptive: true, max: 0.5 },
      window: { type: 'time', duration: 10_000, buckets: 10 },
      minimumCalls: 5,
    });
    for (let i = 0; i < 8; i++) {
      try {
        breaker.callSync(() => {
          throw ERROR;
        });
      } catch {}
    }
    expect(breaker.state).toBe('closed'); // all in one bucket: not evaluated yet
    clock.advance(1000);
    breaker.callSync(() => 1); // the first bucket closed: evaluated, 8/9 > 50%
    expect(breaker.state).toBe('open');
  });

  it('metrics() reports the baseline and the threshold; toJSON()/initialState keep the baseline (version 2)', () => {
    const { breaker, call } = dependency({ failureRateThreshold: { adaptive: true } }, 11);
    for (let i = 0; i < 3000; i++) call(0.05);
    const learned = breaker.metrics().adaptive!;
    expect(learned.threshold).toBeLessThan(0.5);
    const saved = JSON.parse(JSON.stringify(breaker.toJSON()));
    expect(saved).toMatchObject({ version: 2, baseline: { failureRate: learned.baseline } });
    const restarted = new CircuitBreaker({
      clock: new FakeClock(),
      failureRateThreshold: { adaptive: true },
      initialState: saved,
    });
    expect(restarted.metrics().adaptive).toMatchObject({ baseline: learned.baseline, learned: true });
    expect(new CircuitBreaker({ initialState: saved }).metrics().adaptive).toBeNull();
    expect(new CircuitBreaker().toJSON().version).toBe(1);
  });

  it('validates its options, naming them', () => {
    expect(() => new CircuitBreaker({ failureRateThreshold: { adaptive: true, min: 0 } })).toThrow(
      new RangeError('Expected `failureRateThreshold.min` to be a number in (0, 1], got `0`'),
    );
    expect(
      () => new CircuitBreaker({ failureRateThreshold: { adaptive: true, min: 0.6, max: 0.5 } }),
    ).toThrow(/`failureRateThreshold.min` to be at most failureRateThreshold.max \(0.5\)/);
    expect(
      () => new CircuitBreaker({ failureRateThreshold: { adaptive: true, sensitivty: 2 } as never }),
    ).toThrow(/did you mean `failureRateThreshold.sensitivity`/);
    expect(() => new CircuitBreaker({ failureRateThreshold: { adaptive: false } as never })).toThrow(
      TypeError,
    );
    expect(new CircuitBreaker({ failureRateThreshold: { adaptive: true } }).options.failureThreshold).toBe(
      false,
    );
  });
});
