import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CircuitBreaker, FakeClock } from '../index.js';
import {
  checkBuckets,
  DEFAULT_EXPORT_BUCKETS,
  DURATION_BUCKETS,
  ExportBuckets,
  exportBucketsOf,
} from './exportBuckets.js';

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

/** The export bound (seconds; Infinity for +Inf) a lone duration is counted under. */
async function boundOf(ms: number, buckets = DEFAULT_EXPORT_BUCKETS): Promise<number> {
  const j = buckets.cumulative(await histogramOf([ms])).indexOf(1);
  return buckets.bounds[j] ?? Number.POSITIVE_INFINITY;
}

describe('ExportBuckets.cumulative', () => {
  it('has the default bounds of DESIGN section 12, with a bound at 1.07·T for each common timeout T', () => {
    expect(DURATION_BUCKETS).toEqual([
      0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.2675, 0.5, 0.535, 1, 1.07, 2, 2.14, 2.5, 5, 5.35, 10, 10.7, 30,
      60,
    ]);
    expect(Object.isFrozen(DURATION_BUCKETS)).toBe(true);
    expect(DEFAULT_EXPORT_BUCKETS.bounds).toBe(DURATION_BUCKETS);
  });

  it('is all zeros for an empty histogram, one more entry than the bounds (+Inf)', async () => {
    expect(DEFAULT_EXPORT_BUCKETS.cumulative(await histogramOf([]))).toEqual(
      new Array(DURATION_BUCKETS.length + 1).fill(0),
    );
  });

  it('places durations away from the bounds exactly, cumulatively, with +Inf holding all', async () => {
    const counts = DEFAULT_EXPORT_BUCKETS.cumulative(
      await histogramOf([0.2, 1.6, 7, 7, 70, 700, 7000, 45_000, 100_000]),
    );
    //                   .005 .01 .025 .05 .1 .25 .2675 .5 .535 1 1.07 2 2.14 2.5 5 5.35 10 10.7 30 60 +Inf
    expect(counts).toEqual([2, 4, 4, 4, 5, 5, 5, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 7, 7, 8, 9]);
  });

  it('counts a call that timed out at a common timeout T (recorded at T, or up to 1% late) under le = 1.07·T', async () => {
    for (const timeout of [250, 500, 1000, 2000, 5000, 10_000]) {
      for (const ms of [timeout, timeout * 1.01]) {
        expect(await boundOf(ms), `${ms} ms`).toBeCloseTo((timeout * 1.07) / 1000, 9);
      }
    }
  });

  it('never counts a duration under a bound below it, and at most one internal bucket (1/8) too high', async () => {
    const check = async (ms: number): Promise<void> => {
      const bound = await boundOf(ms);
      const j = DURATION_BUCKETS.indexOf(bound);
      const below = j === -1 ? DURATION_BUCKETS.at(-1)! : (DURATION_BUCKETS[j - 1] ?? 0);
      const seconds = ms / 1000;
      // The breaker rounds to the µs; its buckets are 1/8 of a power of two wide.
      expect(bound, `${ms} ms`).toBeGreaterThanOrEqual(seconds - 1e-6);
      expect(below, `${ms} ms`).toBeLessThan(seconds * (1 + 1 / 8) + 1e-6);
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

  it('re-buckets into bounds of your own by the same rule', async () => {
    const buckets = exportBucketsOf([0.1, 0.3, 1]);
    expect(buckets.bounds).toEqual([0.1, 0.3, 1]);
    expect(buckets.cumulative(await histogramOf([50, 99, 200, 310, 900, 5000]))).toEqual([1, 3, 5, 6]);
    // 99 ms sits in the internal bucket [98.3, 106.5): its upper edge is above 0.1, so it counts under 0.3.
    expect(await boundOf(99, buckets)).toBe(0.3);
    expect(await boundOf(95, buckets)).toBe(0.1);
  });

  it('counts an internal bucket whose upper edge equals a bound under that bound', async () => {
    // 524.288 ms is an internal edge: [491.52, 524.288) holds 500 ms.
    expect(await boundOf(500, new ExportBuckets([0.524288, 1]))).toBe(0.524288);
    expect(await boundOf(530, new ExportBuckets([0.524288, 1]))).toBe(1);
  });
});

describe('checkBuckets', () => {
  it('accepts ascending positive numbers and returns a frozen copy', () => {
    const given = [0.1, 0.5, 2];
    const checked = checkBuckets(given);
    expect(checked).toEqual(given);
    expect(checked).not.toBe(given);
    expect(Object.isFrozen(checked)).toBe(true);
  });

  it('refuses what cannot be bounds, naming the option, the value and the fix', () => {
    expect(() => checkBuckets('0.1,0.5')).toThrow(
      new TypeError(
        'Expected `buckets` to be an array of upper bounds in seconds, ascending, e.g. `[0.05, 0.1, 0.5, 0.535, 1, 5]`, got `"0.1,0.5"`',
      ),
    );
    expect(() => checkBuckets([])).toThrow(RangeError);
    expect(() => checkBuckets([])).toThrow(/Expected `buckets` to be at least one bound .*got `\[\]`/);
    expect(() => checkBuckets([0.1, '0.5'])).toThrow(TypeError);
    expect(() => checkBuckets([0.1, '0.5'])).toThrow(/Expected `buckets\[1\]` to be a number .*got `"0.5"`/);
    expect(() => checkBuckets([-1, 1])).toThrow(
      new RangeError(
        'Expected `buckets[0]` to be a finite number of seconds > 0 (`+Inf` is always added), got `-1`',
      ),
    );
    expect(() => checkBuckets([0, 1])).toThrow(RangeError);
    expect(() => checkBuckets([0.1, Number.NaN])).toThrow(/`buckets\[1\]` .*got `NaN`/);
    expect(() => checkBuckets([0.1, Number.POSITIVE_INFINITY])).toThrow(RangeError);
    expect(() => checkBuckets([0.5, 0.1])).toThrow(
      new RangeError(
        'Expected `buckets[1]` to be a bound above the one before it (0.5): upper bounds in seconds, ascending, e.g. `[0.05, 0.1, 0.5, 0.535, 1, 5]`, got `0.1`',
      ),
    );
    expect(() => checkBuckets([0.5, 0.5])).toThrow(RangeError);
    expect(() => checkBuckets(Array.from({ length: 1001 }, (_, i) => i + 1))).toThrow(
      new RangeError('Expected `buckets` to hold at most 1000 bounds, got 1001'),
    );
  });
});
