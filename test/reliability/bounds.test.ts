import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../../src/CircuitBreaker.js';
import { FakeClock } from '../../src/clock/FakeClock.js';
import { optionsFromEnv } from '../../src/config/env.js';
import { CircuitBreakerRegistry } from '../../src/registry/CircuitBreakerRegistry.js';
import { KeyedBreakers } from '../../src/registry/KeyedBreakers.js';

// DESIGN section 11: every size that allocates is bounded at construction, with a RangeError naming
// the option and the bound, from the constructor and from optionsFromEnv alike: `window.size` at most
// 10^6, `window.buckets` at most 10^4, a keyed group's `maxKeys` at most 10^6. The throttle (12
// slices), the adaptive rule (a few numbers) and the latency histogram (fixed buckets) allocate
// nothing in proportion to an option.

const boom = (): Promise<never> => Promise.reject(new Error('down'));

/** The first failure allocates the window: a breaker that constructs must survive it. */
async function failOnce(breaker: CircuitBreaker): Promise<void> {
  await expect(breaker.call(boom)).rejects.toThrow('down');
}

describe('sizes that allocate are bounded at construction', () => {
  it.each([1e12, 1e9, 1_000_001, Number.MAX_SAFE_INTEGER])(
    'window.size %d is a RangeError naming the option and 1000000',
    (size) => {
      expect(() => new CircuitBreaker({ window: { type: 'count', size } })).toThrow(RangeError);
      expect(() => new CircuitBreaker({ window: { type: 'count', size } })).toThrow(
        /`window\.size` to be an integer from 1 to 1000000, got `\d+`; .*time window/,
      );
    },
  );

  it('window.size 1000000 (the bound) constructs, and its first failure allocates the window', async () => {
    const breaker = new CircuitBreaker({ window: { type: 'count', size: 1_000_000 }, failureThreshold: 2 });
    await failOnce(breaker);
    expect(breaker.state).toBe('closed');
  });

  it.each([1e9, 10_001])('window.buckets %d is a RangeError naming the option and 10000', (buckets) => {
    const window = { type: 'time' as const, duration: 1e12, buckets };
    expect(() => new CircuitBreaker({ window })).toThrow(RangeError);
    expect(() => new CircuitBreaker({ window })).toThrow(
      /`window\.buckets` to be an integer from 1 to 10000, got `\d+`/,
    );
  });

  it('window.buckets 10000 (the bound) constructs and works', async () => {
    const breaker = new CircuitBreaker({
      clock: new FakeClock(),
      window: { type: 'time', duration: 600_000, buckets: 10_000 },
      failureRateThreshold: 0.5,
    });
    await failOnce(breaker);
  });

  it('optionsFromEnv: CB_X_WINDOW_SIZE=9007199254740991 is a RangeError naming the variable and the bound', () => {
    const env = { CB_X_WINDOW_SIZE: '9007199254740991' };
    expect(() => optionsFromEnv('CB_X', env)).toThrow(RangeError);
    expect(() => optionsFromEnv('CB_X', env)).toThrow(
      /`CB_X_WINDOW_SIZE` \(`"9007199254740991"`\): Expected `window\.size` to be an integer from 1 to 1000000/,
    );
    expect(() => CircuitBreaker.fromEnv('x', { env })).toThrow(/CB_X_WINDOW_SIZE.*1000000/);
  });

  it('optionsFromEnv: CB_X_WINDOW_BUCKETS=1000000000 is a RangeError naming the variable and the bound', () => {
    const env = { CB_X_WINDOW_DURATION: '100000000000', CB_X_WINDOW_BUCKETS: '1000000000' };
    expect(() => optionsFromEnv('CB_X', env)).toThrow(RangeError);
    expect(() => optionsFromEnv('CB_X', env)).toThrow(/`CB_X_WINDOW_BUCKETS`.*10000/);
  });

  it('registry defaults are bounded the same way', () => {
    expect(() => new CircuitBreakerRegistry({ defaults: { window: { type: 'count', size: 1e12 } } })).toThrow(
      /Invalid registry defaults: .*`window\.size`.*1000000/,
    );
  });

  it('a keyed group’s maxKeys is at most 1000000 (it bounds the group’s memory)', () => {
    expect(() => new KeyedBreakers('k', { maxKeys: 1e7 })).toThrow(RangeError);
    expect(() => new KeyedBreakers('k', { maxKeys: 1e7 })).toThrow(
      /`maxKeys` to be an integer from 1 to 1000000, got `10000000`/,
    );
    expect(() => new CircuitBreakerRegistry().keyed('k', { maxKeys: 1e12 })).toThrow(/maxKeys/);
    expect(new KeyedBreakers('k', { maxKeys: 1_000_000 }).maxKeys).toBe(1_000_000);
  });

  it('options that allocate nothing in proportion to themselves take huge values: the throttle, the adaptive rule, durations', async () => {
    const breaker = new CircuitBreaker({
      clock: new FakeClock(),
      window: { type: 'time', duration: 1e300, buckets: 10_000 },
      failureRateThreshold: { adaptive: true, sensitivity: 2 }, // its largest (it divides the decision height)
      throttle: { k: 1e300, duration: 1e300 },
      slowCallDuration: 1e300,
      halfOpenMaxCalls: Number.MAX_SAFE_INTEGER,
      successThreshold: Number.MAX_SAFE_INTEGER,
      maxConcurrentCalls: Number.MAX_SAFE_INTEGER,
      minimumCalls: Number.MAX_SAFE_INTEGER,
    });
    for (let i = 0; i < 100; i++) await breaker.call(boom).catch(() => {}); // failed, or throttled
    const { failedCalls, rejectedCalls, totalCalls } = breaker.metrics();
    expect(failedCalls).toBeGreaterThanOrEqual(20);
    expect(failedCalls + rejectedCalls).toBe(100);
    expect(totalCalls).toBe(100);
  });
});
