import { describe, expect, it } from 'vitest';
import { LatencyHistogram } from '../window/LatencyHistogram.js';
import { histogramQuantile } from './histogramQuantile.js';

describe('histogramQuantile', () => {
  it('agrees with the breaker’s own histogram within a bucket’s width (1/16)', () => {
    const histogram = new LatencyHistogram();
    for (let i = 1; i <= 1000; i++) histogram.record(i / 10); // 0.1 .. 100 ms
    const { bounds, counts, count, max } = histogram.snapshot();
    for (const q of [0.5, 0.9, 0.99]) {
      const ours = histogramQuantile(bounds, counts, count, q, max)!;
      expect(Math.abs(ours - q * 100) / (q * 100), `q=${q}`).toBeLessThan(1 / 16);
    }
    expect(histogramQuantile(bounds, counts, count, 1, max)).toBeLessThanOrEqual(100);
  });

  it('is null for an empty histogram and uses max for the open-ended last bucket', () => {
    expect(histogramQuantile([1, 2, Number.POSITIVE_INFINITY], [0, 0, 0], 0, 0.5, 0)).toBeNull();
    expect(histogramQuantile([1, 2, Number.POSITIVE_INFINITY], [0, 0, 4], 4, 0.5, 9000)).toBe(9000);
    expect(histogramQuantile([1, 2, Number.POSITIVE_INFINITY], [2, 2, 0], 4, 0.5, 2)).toBe(1);
    expect(histogramQuantile([1, 2, Number.POSITIVE_INFINITY], [2, 2, 0], 4, 0.75, 2)).toBe(1.5);
  });
});
