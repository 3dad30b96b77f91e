import { describe, expect, it } from 'vitest';
import { parseDuration } from './duration.js';
import { openPeriod } from './openPeriod.js';

const query = (text = '') => new URLSearchParams(text);

describe('parseDuration', () => {
  it('reads ms, s, m, h and plain milliseconds', () => {
    expect(parseDuration('500ms')).toBe(500);
    expect(parseDuration('30s')).toBe(30_000);
    expect(parseDuration('1.5m')).toBe(90_000);
    expect(parseDuration('2h')).toBe(7_200_000);
    expect(parseDuration('2500')).toBe(2500);
    expect(parseDuration(' 5m ')).toBe(300_000);
  });

  it('refuses anything else, zero, and more than a timer can wait', () => {
    for (const text of ['', 'soon', '-5s', '0', '0ms', '5 m', '1d', '1e3', '25d', '2147483648']) {
      expect(parseDuration(text), text).toBeUndefined();
    }
    expect(parseDuration('2147483647')).toBe(2_147_483_647);
  });
});

describe('openPeriod', () => {
  it('takes ?for= or the body’s durationMs for open, and neither means the breaker’s own period', () => {
    expect(openPeriod('open', query('for=5m'), undefined)).toEqual({ ok: true, openFor: 300_000 });
    expect(openPeriod('open', query(), { durationMs: 1200 })).toEqual({ ok: true, openFor: 1200 });
    expect(openPeriod('open', query(), { durationMs: 0.2 })).toEqual({ ok: true, openFor: 1 });
    expect(openPeriod('open', query(), undefined)).toEqual({ ok: true, openFor: undefined });
    expect(openPeriod('open', query(), {})).toEqual({ ok: true, openFor: undefined });
    expect(openPeriod('reset', query(), undefined)).toEqual({ ok: true, openFor: undefined });
  });

  it('names the field and the value it cannot use', () => {
    const message = (...args: Parameters<typeof openPeriod>) => {
      const result = openPeriod(...args);
      return result.ok ? 'ok' : result.message;
    };
    expect(message('open', query('for=later'), undefined)).toBe(
      'Expected `for` to be a duration such as 500ms, 30s, 5m or 1h, at most 2147483647 ms, got `"later"`',
    );
    expect(message('open', query(), { durationMs: Number.POSITIVE_INFINITY })).toContain('got `Infinity`');
    expect(message('open', query(), { durationMs: 3e9 })).toContain('at most 2147483647, got `3000000000`');
    expect(message('open', query('for=1s'), { durationMs: 1000 })).toContain('Give the duration once');
    expect(message('force-open', query(), { durationMs: 1000 })).toBe(
      'Only `open` takes a duration; `force-open` takes none',
    );
    expect(message('open', query(), 'x')).toContain('a JSON object');
    expect(message('open', query(), { durationMs: 1, force: true })).toContain('Unknown field `force`');
  });
});
