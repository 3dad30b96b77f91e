import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from './LatencyHistogram.js';

describe('LatencyHistogram', () => {
  it('reports zeros before anything is recorded', () => {
    expect(new LatencyHistogram().summary()).toEqual({ mean: 0, p50: 0, p90: 0, p99: 0, max: 0 });
  });

  it('estimates quantiles within 1/16 and keeps mean and max exact', () => {
    const histogram = new LatencyHistogram();
    for (let ms = 1; ms <= 1000; ms++) histogram.record(ms);
    const summary = histogram.summary();
    expect(summary.mean).toBeCloseTo(500.5, 6);
    expect(summary.max).toBe(1000);
    expect(Math.abs(summary.p50 - 500) / 500).toBeLessThan(1 / 16);
    expect(Math.abs(summary.p90 - 900) / 900).toBeLessThan(1 / 16);
    expect(Math.abs(summary.p99 - 990) / 990).toBeLessThan(1 / 16);
  });

  it('has a fixed size whatever it records (durations beyond ~35 min land in the last bucket)', () => {
    const histogram = new LatencyHistogram();
    histogram.record(10 ** 9);
    histogram.record(Number.NaN);
    histogram.record(-5);
    expect(histogram.count).toBe(3);
    expect(histogram.summary().max).toBe(10 ** 9);
    expect(histogram.quantile(0.5)).toBe(0);
  });

  it('clear() forgets everything', () => {
    const histogram = new LatencyHistogram();
    histogram.record(5);
    histogram.clear();
    expect(histogram.count).toBe(0);
    expect(histogram.quantile(0.99)).toBe(0);
  });
});
