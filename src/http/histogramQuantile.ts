/**
 * @internal The duration below which a share `q` (0..1) of a histogram's durations fall, in ms,
 * interpolated inside the bucket that holds it; `null` when the histogram is empty.
 * @param bounds - Upper bounds of the buckets in ms, ascending (the last may be Infinity).
 * @param counts - Durations per bucket (not cumulative), as many as `bounds`.
 * @param total - The sum of `counts`.
 * @param max - The longest duration recorded, which caps the answer (and stands in for Infinity).
 */
export function histogramQuantile(
  bounds: readonly number[],
  counts: ArrayLike<number>,
  total: number,
  q: number,
  max: number,
): number | null {
  if (!(total > 0)) return null;
  const rank = Math.max(1, Math.ceil(q * total));
  let seen = 0;
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]!;
    if (n === 0) continue;
    if (seen + n >= rank) {
      const lower = i === 0 ? 0 : bounds[i - 1]!;
      const upper = bounds[i]!;
      if (!Number.isFinite(upper)) return Math.max(lower, max);
      const estimate = lower + ((upper - lower) * (rank - seen)) / n;
      return max > 0 ? Math.min(estimate, max) : estimate;
    }
    seen += n;
  }
  return max;
}
