import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../CircuitBreaker.js';
import { FakeClock } from '../clock/FakeClock.js';
import { presets } from './presets.js';

describe('presets', () => {
  it('fastFail: failureThreshold 3, resetTimeout 30 s', () => {
    expect(presets.fastFail).toEqual({ failureThreshold: 3, resetTimeout: 30_000 });
  });

  it('resilient: failureThreshold 10, resetTimeout 120 s, exponential backoff capped at 300 s', () => {
    expect(presets.resilient).toEqual({
      failureThreshold: 10,
      resetTimeout: 120_000,
      backoff: { multiplier: 2, max: 300_000 },
    });
  });

  it('are frozen plain objects, to spread into a breaker’s options', () => {
    expect(Object.isFrozen(presets)).toBe(true);
    expect(Object.isFrozen(presets.fastFail)).toBe(true);
    expect(Object.isFrozen(presets.resilient)).toBe(true);
    expect(Object.isFrozen(presets.resilient.backoff)).toBe(true);
    expect(Object.getPrototypeOf(presets.fastFail)).toBe(Object.prototype);
    const breaker = new CircuitBreaker({ ...presets.fastFail, name: 'search', timeout: 1000 });
    expect(breaker.options).toMatchObject({
      name: 'search',
      failureThreshold: 3,
      resetTimeout: 30_000,
      timeout: 1000,
    });
  });

  it('resilient grows the open period 120 s → 240 s → 300 s', async () => {
    const clock = new FakeClock();
    const breaker = new CircuitBreaker({ ...presets.resilient, clock });
    const fail = (): Promise<never> => Promise.reject(new Error('down'));
    for (let i = 0; i < 10; i++) await breaker.call(fail).catch(() => {});
    expect(breaker.state).toBe('open');
    for (const period of [120_000, 240_000, 300_000]) {
      clock.advance(period - 1);
      expect(breaker.state).toBe('open');
      clock.advance(1);
      expect(breaker.state).toBe('half_open');
      await breaker.call(fail).catch(() => {});
    }
  });
});
