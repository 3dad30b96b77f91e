import { describe, expect, it } from 'vitest';
import { fmt, median, quantile, ratio, ratios, rotate, spread } from '../bench/lib/stats.js';

describe('bench harness statistics', () => {
  it('median takes the middle sample, or the mean of the two middle ones', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([7])).toBe(7);
    expect(median([])).toBeNaN();
  });

  it('quantile interpolates between ranks and leaves its input unsorted', () => {
    const samples = [40, 10, 30, 20, 50];
    expect(quantile(samples, 0)).toBe(10);
    expect(quantile(samples, 1)).toBe(50);
    expect(quantile(samples, 0.25)).toBe(20);
    expect(quantile([0, 10], 0.75)).toBe(7.5);
    expect(samples).toEqual([40, 10, 30, 20, 50]);
  });

  it('spread is the interquartile range relative to the median, with min and max', () => {
    const s = spread([1, 2, 3, 4, 5]);
    expect(s).toEqual({ min: 1, max: 5, p25: 2, p75: 4, relative: 2 / 3 });
    expect(spread([5, 5, 5]).relative).toBe(0);
  });

  it('ratio pairs each run with the floor of the same run, then takes the median', () => {
    expect(ratios([2, 6, 3], [1, 2, 3])).toEqual([2, 3, 1]);
    const r = ratio([2, 6, 3], [1, 2, 3]);
    expect(r.ratio).toBe(2);
    expect(r.spread.min).toBe(1);
    expect(r.spread.max).toBe(3);
    expect(() => ratios([1, 2], [1])).toThrow(RangeError);
  });

  it('rotate gives each variant every position in turn', () => {
    expect(rotate(['a', 'b', 'c'], 0)).toEqual(['a', 'b', 'c']);
    expect(rotate(['a', 'b', 'c'], 1)).toEqual(['b', 'c', 'a']);
    expect(rotate(['a', 'b', 'c'], 5)).toEqual(['c', 'a', 'b']);
    expect(rotate([], 3)).toEqual([]);
  });

  it('fmt keeps about three significant figures', () => {
    expect(fmt(1.234)).toBe('1.23');
    expect(fmt(12.34)).toBe('12.3');
    expect(fmt(1234.5)).toBe('1,235');
    expect(fmt(0.01234)).toBe('0.012');
  });
});
