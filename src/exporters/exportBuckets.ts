import type { LatencyHistogramSnapshot } from '../index.js';

/**
 * The upper bounds, in seconds, of the duration histogram that `breakwater/prometheus` exports (and
 * the bucket advice `breakwater/otel` gives): the same in every process, so that a fleet's
 * histograms add up bucket by bucket. Beyond the last bound a duration counts in `+Inf` only.
 *
 * @example
 * ```ts
 * import { DURATION_BUCKETS } from 'breakwater/prometheus';
 * DURATION_BUCKETS; // [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60]
 * ```
 */
export const DURATION_BUCKETS: readonly number[] = Object.freeze([
  0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60,
]);

/** For each set of internal bounds seen (one per copy of the package): internal bucket → export bucket. */
const targets = new WeakMap<readonly number[], Uint8Array>();

/**
 * @internal A latency histogram's counts re-bucketed into {@link DURATION_BUCKETS}, cumulative as
 * Prometheus' `le` buckets are: `counts[j]` is the durations at or below `DURATION_BUCKETS[j]`, and
 * one more entry, for `+Inf`, holds them all. An internal bucket goes whole to the first export
 * bound at or above its midpoint, so a duration lands where a duration at most half an internal
 * bucket away (1/16 of its value) belongs: only durations that close to a bound may land on its
 * other side.
 * @param histogram - A breaker's or a group's `latencyHistogram()`.
 * @returns `DURATION_BUCKETS.length + 1` cumulative counts.
 */
export function cumulativeBuckets(histogram: LatencyHistogramSnapshot): number[] {
  const target = targetsOf(histogram.bounds);
  const counts = new Array<number>(DURATION_BUCKETS.length + 1).fill(0);
  if (histogram.count === 0) return counts;
  const source = histogram.counts;
  for (let i = 0; i < source.length; i++) {
    const n = source[i]!;
    if (n !== 0) counts[target[i]!]! += n;
  }
  for (let j = 1; j < counts.length; j++) counts[j]! += counts[j - 1]!;
  return counts;
}

function targetsOf(bounds: readonly number[]): Uint8Array {
  let target = targets.get(bounds);
  if (target !== undefined) return target;
  target = new Uint8Array(bounds.length);
  let lower = 0;
  for (let i = 0; i < bounds.length; i++) {
    const upper = bounds[i]!;
    const midpointSeconds = upper === Number.POSITIVE_INFINITY ? upper : (lower + upper) / 2000;
    let j = 0;
    while (j < DURATION_BUCKETS.length && midpointSeconds > DURATION_BUCKETS[j]!) j++;
    target[i] = j;
    lower = upper;
  }
  targets.set(bounds, target);
  return target;
}
