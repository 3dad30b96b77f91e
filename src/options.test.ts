import { describe, expect, it } from 'vitest';
import { CircuitBreaker } from './CircuitBreaker.js';
import type { CircuitBreakerOptions } from './options.js';

const make = (options: unknown) => () => new CircuitBreaker(options as CircuitBreakerOptions);

describe('options', () => {
  it('applies the documented defaults and exposes them, frozen', () => {
    const breaker = new CircuitBreaker({ name: 'db' });
    expect(breaker.options).toMatchObject({
      name: 'db',
      failureThreshold: 5,
      failureRateThreshold: false,
      slowCallRateThreshold: false,
      slowCallDuration: 60_000,
      minimumCalls: 1,
      window: { type: 'count', size: 100 },
      resetTimeout: 60_000,
      backoff: false,
      halfOpenMaxCalls: 1,
      successThreshold: 1,
      halfOpenTimeout: 30_000,
      timeout: false,
      maxConcurrentCalls: Number.POSITIVE_INFINITY,
      latencySampling: 0.1,
      critical: false,
    });
    expect(Object.isFrozen(breaker.options)).toBe(true);
    expect(Object.isFrozen(breaker.options.window)).toBe(true);
  });

  it('gives unnamed breakers unique default names', () => {
    const a = new CircuitBreaker();
    const b = new CircuitBreaker();
    expect(a.name).toMatch(/^circuit-breaker-\d+$/);
    expect(a.name).not.toBe(b.name);
  });

  it('activates only the rules given; failureThreshold 5 only when none is given', () => {
    expect(new CircuitBreaker({ failureRateThreshold: 0.5 }).options).toMatchObject({
      failureThreshold: false,
      failureRateThreshold: 0.5,
      minimumCalls: 10,
    });
    expect(new CircuitBreaker({ failureThreshold: false }).options.failureThreshold).toBe(false);
    expect(
      new CircuitBreaker({ failureRateThreshold: 0.5, window: { type: 'count', size: 4 } }).options
        .minimumCalls,
    ).toBe(4);
  });

  it('defaults the backoff to multiplier 2, max 300 s, jitter 0', () => {
    expect(new CircuitBreaker({ backoff: true }).options.backoff).toEqual({
      multiplier: 2,
      max: 300_000,
      jitter: 0,
    });
    expect(new CircuitBreaker({ backoff: { max: 10_000 } }).options.backoff).toEqual({
      multiplier: 2,
      max: 10_000,
      jitter: 0,
    });
  });

  it('never mutates the caller’s options object', () => {
    const window = { type: 'time' as const, duration: 10_000 };
    const options = Object.freeze({
      name: 'x',
      failureRateThreshold: 0.5,
      window: Object.freeze(window),
      exclude: Object.freeze([TypeError]),
    });
    const copy = structuredClone({ name: options.name, failureRateThreshold: 0.5, window });
    const breaker = new CircuitBreaker(options);
    expect({
      name: options.name,
      failureRateThreshold: options.failureRateThreshold,
      window: options.window,
    }).toEqual(copy);
    expect(breaker.options.window).toEqual({ type: 'time', duration: 10_000, buckets: 10 });
    expect(breaker.options.window).not.toBe(window);
  });

  it.each([
    [
      { failureThreshold: 0 },
      RangeError,
      'Expected `failureThreshold` to be an integer >= 1, or false, got `0`',
    ],
    [{ failureThreshold: 2.5 }, RangeError, '`failureThreshold`'],
    [{ failureThreshold: '5' }, TypeError, 'got `"5"`'],
    [
      { failureRateThreshold: 1.5 },
      RangeError,
      'Expected `failureRateThreshold` to be a number in (0, 1], or false, got `1.5`',
    ],
    [{ failureRateThreshold: 0 }, RangeError, '`failureRateThreshold`'],
    [{ slowCallRateThreshold: -1 }, RangeError, '`slowCallRateThreshold`'],
    [{ resetTimeout: -1 }, RangeError, 'Expected `resetTimeout` to be a duration in ms >= 0, got `-1`'],
    [{ resetTimeout: Number.POSITIVE_INFINITY }, RangeError, '`resetTimeout`'],
    [{ timeout: 0 }, RangeError, 'Expected `timeout` to be a duration in ms > 0, got `0`'],
    [{ halfOpenMaxCalls: 0 }, RangeError, '`halfOpenMaxCalls`'],
    [{ successThreshold: 0 }, RangeError, '`successThreshold`'],
    [{ halfOpenTimeout: 0 }, RangeError, '`halfOpenTimeout`'],
    [{ maxConcurrentCalls: 0 }, RangeError, '`maxConcurrentCalls`'],
    [{ latencySampling: 2 }, RangeError, '`latencySampling`'],
    [{ minimumCalls: 0 }, RangeError, '`minimumCalls`'],
    [
      { failureRateThreshold: 0.5, window: { type: 'count', size: 5 }, minimumCalls: 6 },
      RangeError,
      "count window's size (5)",
    ],
    [
      { window: { type: 'sliding' } },
      TypeError,
      'Expected `window.type` to be "count" or "time", got `"sliding"`',
    ],
    [{ window: { type: 'count', sise: 5 } }, TypeError, 'did you mean `window.size`?'],
    [{ window: { type: 'time', duration: 100, buckets: 1000 } }, RangeError, '`window.buckets`'],
    [{ backoff: { multiplier: 0.5 } }, RangeError, '`backoff.multiplier`'],
    [{ backoff: { jitter: 2 } }, RangeError, '`backoff.jitter`'],
    [{ backoff: 'yes' }, TypeError, '`backoff`'],
    [{ fallback: 'cached' }, TypeError, 'Expected `fallback` to be a function, got `"cached"`'],
    [{ exclude: [new Error('x')] }, TypeError, '`exclude`'],
    [{ logger: console.log }, TypeError, '`logger`'],
    [{ clock: { now: () => 0 } }, TypeError, '`clock`'],
    [{ critical: 'yes' }, TypeError, '`critical`'],
    [{ name: '' }, TypeError, '`name`'],
    [{ initialState: { state: 'ajar' } }, TypeError, '`initialState.state`'],
  ])('rejects %j with a message naming the option and the value', (options, errorClass, message) => {
    expect(make(options)).toThrow(errorClass);
    expect(make(options)).toThrow(message);
  });

  it('names the closest known option for a typo', () => {
    expect(make({ failureTreshold: 3 })).toThrow(TypeError);
    expect(make({ failureTreshold: 3 })).toThrow(
      'Unknown option `failureTreshold`; did you mean `failureThreshold`?',
    );
    expect(make({ resetTimout: 3 })).toThrow('did you mean `resetTimeout`?');
    expect(make({ colour: 'red' })).toThrow('the known options are');
  });

  it('says where options of keyed() and @protect belong', () => {
    expect(make({ maxKeys: 10 })).toThrow('`maxKeys`: it is an option of registry.keyed()');
    expect(make({ registry: {} })).toThrow('@protect()');
  });

  it('treats undefined values as absent', () => {
    expect(
      new CircuitBreaker({ timeout: undefined, failureThreshold: undefined } as never).options
        .failureThreshold,
    ).toBe(5);
  });
});
