import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, FakeClock } from '../index.js';
import { cumulativeBuckets, DURATION_BUCKETS } from './exportBuckets.js';

async function histogramOf(durations: readonly number[]) {
  const clock = new FakeClock();
  const breaker = new CircuitBreaker({ clock, latencySampling: 1 });
  for (const ms of durations) {
    await breaker.call(async () => {
      clock.advance(ms);
    });
  }
  return breaker.latencyHistogram();
}

/** The export bucket of a lone duration: the first whose cumulative count is 1. */
async function exportBucketOf(ms: number): Promise<number> {
  return cumulativeBuckets(await histogramOf([ms])).indexOf(1);
}

describe('cumulativeBuckets', () => {
  it('is all zeros for an empty histogram, one more entry than the bounds (+Inf)', async () => {
    expect(cumulativeBuckets(await histogramOf([]))).toEqual(new Array(DURATION_BUCKETS.length + 1).fill(0));
  });

  it('places durations away from the bounds exactly, cumulatively, with +Inf holding all', async () => {
    const counts = cumulativeBuckets(await histogramOf([0.2, 1.6, 7, 7, 70, 700, 7000, 45_000, 100_000]));
    expect(counts).toEqual([1, 2, 2, 4, 4, 4, 5, 5, 5, 6, 6, 6, 7, 7, 8, 9]);
  });

  it('places every duration in the bucket of a duration at most 1/16 away from it', async () => {
    const check = async (ms: number): Promise<void> => {
      const bucket = await exportBucketOf(ms);
      const seconds = ms / 1000;
      const slack = seconds / 16 + 1e-6; // half an internal bucket, plus the µs rounding
      const upper = DURATION_BUCKETS[bucket] ?? Number.POSITIVE_INFINITY;
      const lower = DURATION_BUCKETS[bucket - 1] ?? 0;
      expect(seconds - slack, `${ms} ms`).toBeLessThanOrEqual(upper);
      expect(seconds + slack, `${ms} ms`).toBeGreaterThan(lower);
    };
    // Around each bound, where a coarser rule would misplace durations...
    for (const bound of DURATION_BUCKETS) {
      for (let off = -0.1; off <= 0.1; off += 0.004) await check(bound * 1000 * (1 + off));
    }
    // ...and anywhere from 20 µs to 200 s, log-uniformly.
    await fc.assert(
      fc.asyncProperty(
        fc.double({ min: Math.log10(0.02), max: Math.log10(200_000), noNaN: true }).map((x) => 10 ** x),
        check,
      ),
      { numRuns: 200 },
    );
  });
});
