import fc from 'fast-check';
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

describe('LatencyHistogram.snapshot', () => {
  it('exports counts over fixed, ascending bounds shared by every histogram, so snapshots add up', () => {
    const a = new LatencyHistogram();
    const b = new LatencyHistogram();
    a.record(0.5);
    a.record(3);
    b.record(3.01);
    b.record(250);
    const sa = a.snapshot();
    const sb = b.snapshot();
    expect(sa.bounds).toBe(sb.bounds);
    expect(Object.isFrozen(sa.bounds)).toBe(true);
    for (let i = 1; i < sa.bounds.length; i++) expect(sa.bounds[i]!).toBeGreaterThan(sa.bounds[i - 1]!);
    expect(sa.bounds.at(-1)).toBe(Number.POSITIVE_INFINITY);
    const bucketOf = (ms: number): number => sa.bounds.findIndex((bound) => ms < bound);
    expect(sa.counts[bucketOf(3)]).toBe(1);
    expect(sb.counts[bucketOf(3.01)]).toBe(1);
    expect(sb.counts[bucketOf(250)]).toBe(1);
    expect([sa.count, sa.sum, sa.max]).toEqual([2, 3.5, 3]);
    const summed = sa.counts.map((n, i) => n + sb.counts[i]!);
    expect(summed.reduce((x, y) => x + y, 0)).toBe(4);
  });
});

describe('LatencyHistogram, sparse then dense', () => {
  it('agrees with a plain list of samples however many distinct buckets it has seen', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ min: 0, max: 5000, noNaN: true }), { maxLength: 60 }), (samples) => {
        const histogram = new LatencyHistogram();
        for (const ms of samples) histogram.record(ms);
        const snapshot = histogram.snapshot();
        expect(snapshot.count).toBe(samples.length);
        expect(snapshot.counts.reduce((a, b) => a + b, 0)).toBe(samples.length);
        // Every sample sits in the bucket whose bounds hold it (to the µs the histogram rounds to).
        const expected = new Array<number>(snapshot.bounds.length).fill(0);
        for (const ms of samples) {
          const us = Math.round(ms * 1000) / 1000;
          expected[snapshot.bounds.findIndex((bound) => us < bound)]!++;
        }
        expect(snapshot.counts).toEqual(expected);
      }),
    );
  });
});
