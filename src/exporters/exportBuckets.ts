import type { LatencyHistogramSnapshot } from '../index.js';
import { expected } from '../options/describe.js';

/**
 * The default upper bounds, in seconds, of the duration histogram that `breakwater/prometheus`
 * exports (and the bucket advice `breakwater/otel` gives); `buckets` chooses others. Beside the usual
 * bounds, each common timeout T (0.25, 0.5, 1, 2, 5, 10 s) has a bound at 1.07·T: a call that timed
 * out at T is recorded at T, which the breaker's own histogram places at most 1/8 above it (its
 * buckets are 1/8 of a power of two wide), so it is counted under le = 1.07·T, not under the next
 * round bound (2·T). Keep the same bounds in every process, so that a fleet's histograms add up
 * bucket by bucket. Beyond the last bound a duration counts in `+Inf` only.
 *
 * @example
 * ```ts
 * import { DURATION_BUCKETS } from 'breakwater/prometheus';
 * DURATION_BUCKETS; // [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.2675, 0.5, 0.535, 1, 1.07, 2, 2.14, 2.5, 5, 5.35, 10, 10.7, 30, 60]
 * ```
 */
export const DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.2675, 0.5, 0.535, 1, 1.07, 2, 2.14, 2.5, 5, 5.35, 10, 10.7, 30, 60,
]);

/** @internal Export bounds one exporter may have: more would be a cardinality problem, not a histogram. */
export const MAX_EXPORT_BUCKETS = 1000;

/**
 * @internal A set of export bounds, and the re-bucketing of a breaker's latency histogram into them:
 * an internal bucket is counted under the smallest export bound at or above its upper edge, so no
 * duration is ever counted under a bound below it (a duration may be counted up to one internal
 * bucket, 1/8 of its value, too high). One per exporter; the mapping is computed once per set of
 * internal bounds (one per copy of the package).
 */
export class ExportBuckets {
  /** The upper bounds in seconds, ascending, without `+Inf`. Frozen. */
  readonly bounds: readonly number[];
  /** For each set of internal bounds seen: internal bucket → export bucket (`bounds.length`: `+Inf`). */
  readonly #targets = new WeakMap<readonly number[], Uint16Array>();

  /** @param bounds - Checked, ascending, frozen bounds (see {@link checkBuckets}). */
  constructor(bounds: readonly number[]) {
    this.bounds = bounds;
  }

  /**
   * A latency histogram's counts re-bucketed into {@link ExportBuckets.bounds}, cumulative as
   * Prometheus' `le` buckets are: `counts[j]` is the durations counted at or below `bounds[j]`, and
   * one more entry, for `+Inf`, holds them all.
   * @param histogram - A breaker's or a group's `latencyHistogram()`.
   * @returns `bounds.length + 1` cumulative counts.
   */
  cumulative(histogram: LatencyHistogramSnapshot): number[] {
    const counts = new Array<number>(this.bounds.length + 1).fill(0);
    if (histogram.count === 0) return counts;
    const target = this.#targetsOf(histogram.bounds);
    const source = histogram.counts;
    for (let i = 0; i < source.length; i++) {
      const n = source[i]!;
      if (n !== 0) counts[target[i]!]! += n;
    }
    for (let j = 1; j < counts.length; j++) counts[j]! += counts[j - 1]!;
    return counts;
  }

  #targetsOf(internal: readonly number[]): Uint16Array {
    let target = this.#targets.get(internal);
    if (target !== undefined) return target;
    const bounds = this.bounds;
    target = new Uint16Array(internal.length);
    let j = 0;
    for (let i = 0; i < internal.length; i++) {
      // Upper edges ascend, so the export bucket only moves up. Compared in ms, with room for the
      // rounding of `bound * 1000`: an edge equal to a bound is counted under it.
      const upperMs = internal[i]!;
      while (j < bounds.length && upperMs > bounds[j]! * 1000 * (1 + 1e-12)) j++;
      target[i] = j;
    }
    this.#targets.set(internal, target);
    return target;
  }
}

/** @internal The exporters' default: {@link DURATION_BUCKETS}. */
export const DEFAULT_EXPORT_BUCKETS = new ExportBuckets(DURATION_BUCKETS);

/**
 * @internal The export buckets of an exporter's `buckets` option.
 * @param buckets - The option as given (`undefined`: the default bounds).
 * @returns The buckets to export with.
 * @throws TypeError when `buckets` is not an array of numbers; RangeError when it is empty, too long,
 * or holds a bound that is not a finite number > 0 or not above the one before it.
 */
export function exportBucketsOf(buckets: unknown): ExportBuckets {
  if (buckets === undefined) return DEFAULT_EXPORT_BUCKETS;
  return new ExportBuckets(checkBuckets(buckets));
}

const FORM = 'upper bounds in seconds, ascending, e.g. `[0.05, 0.1, 0.5, 0.535, 1, 5]`';

/**
 * @internal Checks a `buckets` option.
 * @returns A frozen copy.
 * @throws As {@link exportBucketsOf}.
 */
export function checkBuckets(buckets: unknown): readonly number[] {
  if (!Array.isArray(buckets)) throw new TypeError(expected('buckets', `an array of ${FORM}`, buckets));
  if (buckets.length === 0)
    throw new RangeError(expected('buckets', `at least one bound (${FORM})`, buckets));
  if (buckets.length > MAX_EXPORT_BUCKETS) {
    throw new RangeError(
      `Expected \`buckets\` to hold at most ${MAX_EXPORT_BUCKETS} bounds, got ${buckets.length}`,
    );
  }
  const copy: number[] = [];
  for (let i = 0; i < buckets.length; i++) {
    const bound: unknown = buckets[i];
    if (typeof bound !== 'number') {
      throw new TypeError(expected(`buckets[${i}]`, `a number (${FORM})`, bound));
    }
    if (!Number.isFinite(bound) || bound <= 0) {
      throw new RangeError(
        expected(`buckets[${i}]`, 'a finite number of seconds > 0 (`+Inf` is always added)', bound),
      );
    }
    const before = copy[i - 1];
    if (before !== undefined && bound <= before) {
      throw new RangeError(
        expected(`buckets[${i}]`, `a bound above the one before it (${before}): ${FORM}`, bound),
      );
    }
    copy.push(bound);
  }
  return Object.freeze(copy);
}
