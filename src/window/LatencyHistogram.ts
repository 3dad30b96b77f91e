/** Latency figures in ms; `0` while nothing has been measured. */
export interface LatencySummary {
  readonly mean: number;
  readonly p50: number;
  readonly p90: number;
  readonly p99: number;
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

/**
 * @internal A fixed-size log-linear latency histogram (allocated on first use): memory does not grow
 * with traffic, recording is O(1), and no sample list is ever sorted. Counts start 16-bit (480 bytes)
 * and widen to 32-bit (960 bytes) the first time a bucket would pass 65,535.
 */
export class LatencyHistogram {
  #buckets: Uint16Array | Uint32Array | undefined;
  #count = 0;
  #sum = 0;
  #max = 0;

  /** Records one duration in ms. */
  record(ms: number): void {
    if (!(ms >= 0)) ms = 0;
    let buckets = (this.#buckets ??= new Uint16Array(BUCKETS));
    const bucket = bucketOf(Math.min(MAX_US, Math.round(ms * 1000)));
    if (buckets[bucket] === 0xffff && buckets instanceof Uint16Array)
      buckets = this.#buckets = Uint32Array.from(buckets);
    buckets[bucket]!++;
    this.#count++;
    this.#sum += ms;
    if (ms > this.#max) this.#max = ms;
  }

  /** Durations recorded. */
  get count(): number {
    return this.#count;
  }

  /** The duration below which a share `q` (0..1) of the recorded ones fall, in ms. */
  quantile(q: number): number {
    const buckets = this.#buckets;
    if (buckets === undefined || this.#count === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#count));
    let seen = 0;
    for (let i = 0; i < BUCKETS; i++) {
      seen += buckets[i]!;
      if (seen >= rank) return Math.min(this.#max, midpointUs(i) / 1000);
    }
    return this.#max;
  }

  /** A copy of the counts, for exporters and merging (see {@link LatencyHistogramSnapshot}). */
  snapshot(): LatencyHistogramSnapshot {
    const buckets = this.#buckets;
    return {
      bounds: LATENCY_BOUNDS,
      counts: buckets === undefined ? EMPTY_COUNTS : Array.from(buckets),
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
    this.#buckets?.fill(0);
    this.#count = 0;
    this.#sum = 0;
    this.#max = 0;
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
