/** Latency figures in ms; `0` while nothing has been measured. */
export interface LatencySummary {
  /** Mean, in ms. */
  readonly mean: number;
  /** Median, in ms. */
  readonly p50: number;
  /** 90th percentile, in ms. */
  readonly p90: number;
  /** 99th percentile, in ms. */
  readonly p99: number;
  /** Longest, in ms. */
  readonly max: number;
}

/**
 * A copy of a latency histogram's counts over fixed buckets ({@link CircuitBreaker.latencyHistogram}).
 * The buckets are the same in every process and every version of the package that shares
 * `bounds`, so histograms from many breakers or instances add up bucket by bucket: fleet
 * percentiles are real, never averages of per-host percentiles.
 */
export interface LatencyHistogramSnapshot {
  /**
   * Upper bounds of the buckets in ms, ascending (shared and frozen): bucket `i` holds durations
   * below `bounds[i]` and at least `bounds[i - 1]`; the last one also holds everything longer.
   */
  readonly bounds: readonly number[];
  /** Durations per bucket (not cumulative), as many as `bounds`. */
  readonly counts: readonly number[];
  /** Durations recorded (the sum of `counts`). */
  readonly count: number;
  /** Sum of the durations recorded, in ms. */
  readonly sum: number;
  /** Longest duration recorded, in ms (0 when none). */
  readonly max: number;
}

/** Exact below 16 µs, then 8 slices per power of two (at most 1/16 relative error) up to ~35 min. */
const LINEAR = 16;
const PER_OCTAVE = 8;
const BUCKETS = LINEAR + (31 - 4 + 1) * PER_OCTAVE;
const MAX_US = 2 ** 31 - 1;

/** One more in a sparse pair (`bucket | count << 8`, a small integer). */
const ONE = 256;
/** A sparse pair holds at most this: then the next pair takes the bucket, or the counts go dense. */
const PAIR_FULL = (2 ** 22 - 1) * ONE;

/** `pair` with one more of `bucket`; 0 when it holds another bucket or is full. */
function bump(pair: number, bucket: number): number {
  if (pair === 0) return bucket + ONE;
  return (pair & 0xff) === bucket && pair < PAIR_FULL ? pair + ONE : 0;
}

/**
 * @internal A fixed-size log-linear latency histogram: memory does not grow with traffic, recording
 * is O(1), and no sample list is ever sorted. While at most four distinct buckets are used (a
 * breaker's first samples, most keyed breakers for good) it keeps them as (bucket, count) pairs in
 * four fields; then a counts array, 16-bit (480 bytes), widened to 32-bit (960 bytes) the first time
 * a bucket would pass 65,535.
 */
export class LatencyHistogram {
  /** Sparse (bucket, count) pairs, `bucket | count << 8`, 0 for none; until the counts array exists. */
  #p0 = 0;
  #p1 = 0;
  #p2 = 0;
  #p3 = 0;
  #buckets: Uint16Array | Uint32Array | undefined = undefined;
  #count = 0;
  #sum = 0;
  #max = 0;

  /** Records one duration in ms. */
  record(ms: number): void {
    if (!(ms >= 0)) ms = 0;
    const bucket = bucketOf(Math.min(MAX_US, Math.round(ms * 1000)));
    this.#count++;
    this.#sum += ms;
    if (ms > this.#max) this.#max = ms;
    if (this.#buckets === undefined && this.recordSparse(bucket)) return;
    let buckets = this.#buckets!;
    if (buckets[bucket] === 0xffff && buckets instanceof Uint16Array) {
      buckets = this.#buckets = Uint32Array.from(buckets);
    }
    buckets[bucket]!++;
  }

  /** Durations recorded. */
  get count(): number {
    return this.#count;
  }

  /** The duration below which a share `q` (0..1) of the recorded ones fall, in ms. */
  quantile(q: number): number {
    if (this.#count === 0) return 0;
    const counts = this.counts();
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += counts[i]!;
      if (seen >= rank) return Math.min(this.#max, midpointUs(i) / 1000);
    }
    return this.#max;
  }

  /** A copy of the counts, for exporters and merging (see {@link LatencyHistogramSnapshot}). */
  snapshot(): LatencyHistogramSnapshot {
    return {
      bounds: LATENCY_BOUNDS,
      counts: this.#count === 0 ? EMPTY_COUNTS : Array.from(this.counts()),
      count: this.#count,
      sum: this.#sum,
      max: this.#max,
    };
  }

  summary(): LatencySummary {
    return {
      mean: this.#count === 0 ? 0 : this.#sum / this.#count,
      p50: this.quantile(0.5),
      p90: this.quantile(0.9),
      p99: this.quantile(0.99),
      max: this.#max,
    };
  }

  clear(): void {
    this.#p0 = this.#p1 = this.#p2 = this.#p3 = 0;
    this.#buckets?.fill(0);
    this.#count = 0;
    this.#sum = 0;
    this.#max = 0;
  }

  /**
   * Counts `bucket` among the sparse pairs; `false` when they are full (the counts array exists from
   * then on). A plain method: private methods would cost every histogram a brand field.
   */
  recordSparse(bucket: number): boolean {
    let next = bump(this.#p0, bucket);
    if (next !== 0) return (this.#p0 = next) !== 0;
    next = bump(this.#p1, bucket);
    if (next !== 0) return (this.#p1 = next) !== 0;
    next = bump(this.#p2, bucket);
    if (next !== 0) return (this.#p2 = next) !== 0;
    next = bump(this.#p3, bucket);
    if (next !== 0) return (this.#p3 = next) !== 0;
    const pairs = [this.#p0, this.#p1, this.#p2, this.#p3];
    const wide = pairs.some((pair) => pair >>> 8 >= 0xffff);
    const buckets = wide ? new Uint32Array(BUCKETS) : new Uint16Array(BUCKETS);
    for (const pair of pairs) buckets[pair & 0xff]! += pair >>> 8;
    this.#buckets = buckets;
    this.#p0 = this.#p1 = this.#p2 = this.#p3 = 0;
    return false;
  }

  /** The counts per bucket: the counts array, or a dense copy of the sparse pairs. */
  counts(): ArrayLike<number> {
    if (this.#buckets !== undefined) return this.#buckets;
    const counts = new Array<number>(BUCKETS).fill(0);
    for (const pair of [this.#p0, this.#p1, this.#p2, this.#p3])
      if (pair !== 0) counts[pair & 0xff]! += pair >>> 8;
    return counts;
  }
}

function bucketOf(us: number): number {
  if (us < LINEAR) return us;
  const exponent = 31 - Math.clz32(us);
  return LINEAR + (exponent - 4) * PER_OCTAVE + ((us >>> (exponent - 3)) & (PER_OCTAVE - 1));
}

/** Lower edge of bucket `index`, in µs. */
function lowerUs(index: number): number {
  if (index < LINEAR) return index;
  const exponent = 4 + ((index - LINEAR) >> 3);
  return (PER_OCTAVE + ((index - LINEAR) & (PER_OCTAVE - 1))) * 2 ** (exponent - 3);
}

/** @internal Upper bounds of the buckets, in ms (see {@link LatencyHistogramSnapshot.bounds}). */
export const LATENCY_BOUNDS: readonly number[] = Object.freeze(
  Array.from({ length: BUCKETS }, (_, i) =>
    i + 1 < BUCKETS ? lowerUs(i + 1) / 1000 : Number.POSITIVE_INFINITY,
  ),
);

const EMPTY_COUNTS: readonly number[] = Object.freeze(new Array<number>(BUCKETS).fill(0));

function midpointUs(index: number): number {
  if (index < LINEAR) return index;
  const exponent = 4 + ((index - LINEAR) >> 3);
  const width = 2 ** (exponent - 3);
  return (PER_OCTAVE + ((index - LINEAR) & (PER_OCTAVE - 1))) * width + width / 2;
}
