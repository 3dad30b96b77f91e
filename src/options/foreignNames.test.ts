import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from '../CircuitBreaker.js';
import { optionsFromEnv } from '../config/env.js';

describe("resilience4j's percentages get the share they meant", () => {
  it('failureRateThreshold: 50 is a RangeError that suggests 0.5', () => {
    expect(() => new CircuitBreaker({ failureRateThreshold: 50 })).toThrow(
      new RangeError(
        'Expected `failureRateThreshold` to be a number in (0, 1], or false, got `50`; did you mean `0.5`? ' +
          '(a share in (0, 1], not a percentage as resilience4j takes)',
      ),
    );
  });

  it('slowCallRateThreshold: 100 suggests 1', () => {
    expect(() => new CircuitBreaker({ slowCallRateThreshold: 100 })).toThrow(/got `100`; did you mean `1`\?/);
  });

  it('the environment form suggests the share too', () => {
    expect(() => optionsFromEnv('CB_X', { CB_X_FAILURE_RATE_THRESHOLD: '50' })).toThrow(
      new RangeError(
        'Expected `CB_X_FAILURE_RATE_THRESHOLD` to be a number in (0, 1], `adaptive`, or `off`, got `"50"`; ' +
          'did you mean `0.5`? (a share in (0, 1], not a percentage as resilience4j takes)',
      ),
    );
    expect(() => optionsFromEnv('CB_X', { CB_X_SLOW_CALL_RATE_THRESHOLD: '80' })).toThrow(
      /did you mean `0\.8`\?/,
    );
  });

  it('a value that cannot be a percentage gets no guess', () => {
    expect(() => new CircuitBreaker({ failureRateThreshold: 150 })).toThrow(
      new RangeError('Expected `failureRateThreshold` to be a number in (0, 1], or false, got `150`'),
    );
    expect(() => new CircuitBreaker({ failureRateThreshold: 1.5 })).not.toThrow(/did you mean/);
    expect(() => new CircuitBreaker({ failureRateThreshold: -0.5 })).not.toThrow(/did you mean/);
    expect(() => new CircuitBreaker({ failureRateThreshold: -0.5 })).toThrow(RangeError);
  });
});
