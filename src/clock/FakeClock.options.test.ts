import { describe, expect, it } from 'vitest';
import { FakeClock, type FakeClockOptions } from './FakeClock.js';

describe('FakeClock refuses options it cannot run on', () => {
  it.each<[string, unknown, ErrorConstructor, string]>([
    ["now: 'x'", { now: 'x' }, TypeError, 'Expected `now` to be a finite number of ms, got `"x"`'],
    ['now: NaN', { now: Number.NaN }, TypeError, 'Expected `now` to be a finite number of ms, got `NaN`'],
    ['now: Infinity', { now: Number.POSITIVE_INFINITY }, RangeError, 'got `Infinity`'],
    ['wallNow: a Date', { wallNow: new Date(0) }, TypeError, 'Expected `wallNow` to be finite epoch ms'],
    ['wallNow: -Infinity', { wallNow: Number.NEGATIVE_INFINITY }, RangeError, 'Expected `wallNow`'],
    ['a misspelt option', { nwo: 5 }, TypeError, 'Unknown FakeClock option `nwo`; did you mean `now`?'],
    ['an option far from both', { speed: 2 }, TypeError, 'the options are `now` and `wallNow`'],
    [
      'a number instead of options',
      5,
      TypeError,
      'Expected `options` to be an object such as { now: 0 }, got `5`',
    ],
    ['null', null, TypeError, 'Expected `options` to be an object'],
  ])('%s', (_, options, kind, message) => {
    const make = () => new FakeClock(options as FakeClockOptions);
    expect(make).toThrow(kind);
    expect(make).toThrow(message);
  });

  it('accepts what it always did', () => {
    expect(new FakeClock().now()).toBe(0);
    expect(new FakeClock(undefined).now()).toBe(0);
    const clock = new FakeClock({ now: -5, wallNow: 1_700_000_000_000 });
    expect([clock.now(), clock.wallNow()]).toEqual([-5, 1_700_000_000_000]);
  });

  it('advance() takes a finite number of ms >= 0', () => {
    const clock = new FakeClock();
    expect(() => clock.advance(Number.POSITIVE_INFINITY)).toThrow(RangeError);
    expect(() => clock.advance(Number.NaN)).toThrow(RangeError);
    expect(() => clock.advance(-1)).toThrow(
      new RangeError('Expected `ms` to be a finite number >= 0, got `-1`'),
    );
    expect(() => clock.advance('10' as unknown as number)).toThrow(TypeError);
    expect(clock.now()).toBe(0);
  });
});
