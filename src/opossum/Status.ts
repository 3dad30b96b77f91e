import { EventEmitter } from 'node:events';
import { type Clock, setUnrefTimeout, systemClock } from '../clock/Clock.js';

/**
 * The counters of one slice of the rolling window (opossum's bucket); in `stats`, each is the sum
 * over every slice of the window. Each counter goes up with the breaker event of the same meaning.
 */
export interface StatusCounts {
  /**
   * Calls whose action threw or rejected, or ran past `timeout` (a timeout counts here and in
   * `timeouts`). An error that `errorFilter` accepts counts as a success instead.
   */
  failures: number;
  /** Calls answered by the fallback: counted once it returns (a fallback that throws is not counted). */
  fallbacks: number;
  /** Calls whose action resolved, or failed with an error that `errorFilter` accepts. */
  successes: number;
  /**
   * Calls refused without running the action: the breaker was open, or half-open with its trial call
   * running.
   */
  rejects: number;
  /**
   * Calls of `fire()` or `call()`, whatever their outcome (a disabled breaker's too; not after
   * `shutdown()`).
   */
  fires: number;
  /** Calls whose action ran longer than `timeout` (also counted in `failures`). */
  timeouts: number;
  /** Calls answered from the cache without running the action (`cache: true`). */
  cacheHits: number;
  /** Calls with `cache: true` that found no fresh entry for their key, so went on. */
  cacheMisses: number;
  /** Calls that joined a call with the same key already in flight (`coalesce: true`). */
  coalesceCacheHits: number;
  /** Calls with `coalesce: true` that found no call with their key in flight, so went on. */
  coalesceCacheMisses: number;
  /** Calls refused because `capacity` calls were already running. */
  semaphoreRejections: number;
}

/** A counter of {@link StatusCounts}. */
export type StatusCounter = keyof StatusCounts;

/** One slice of the rolling window: its counts and the latencies of its calls. */
export interface OpossumBucket extends StatusCounts {
  /**
   * Latency in ms at the percentiles 0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995 and 1, by nearest
   * rank over the whole window (0 without calls; -1 each with `rollingPercentilesEnabled: false`).
   * Filled in `stats` only: a slice's is empty.
   */
  percentiles: { [percentile: number]: number };
  /**
   * Latencies in ms of the calls counted in `successes`, `failures` and `timeouts`. A slice keeps at
   * most one thousand, the most recent; `stats` gives every slice's together, sorted ascending
   * (empty with `rollingPercentilesEnabled: false`).
   */
  latencyTimes: number[];
  /** Whether the breaker was open during this slice, once it opened or closed in it. */
  isCircuitBreakerOpen?: boolean;
}

/** The window's counts summed, with latency figures (`breaker.stats`). */
export interface OpossumStats extends OpossumBucket {
  /** Mean latency in the window (0 without calls; -1 with `rollingPercentilesEnabled: false`). */
  latencyMean: number;
}

/**
 * What rotates the window when a breaker's own clock should not: an emitter of `rotate` events (an
 * `EventEmitter` will do). Each `rotate` drops the oldest slice and starts a new one, so several
 * breakers can share one rhythm.
 */
export interface RotateController {
  /**
   * Adds a listener of `rotate`; a {@link Status} adds one while its breaker is enabled.
   * @param event - Always `'rotate'`.
   * @param listener - Rotates the window by one slice.
   * @returns Ignored.
   */
  on(event: 'rotate', listener: () => void): unknown;
  /**
   * Removes a listener added with `on` (on `disable()` and `shutdown()`).
   * @param event - Always `'rotate'`.
   * @param listener - The listener `on` was given.
   * @returns Ignored.
   */
  removeListener(event: 'rotate', listener: () => void): unknown;
  /**
   * How many times `listener` listens to `rotate`, so that a {@link Status} never adds itself twice.
   * @param event - Always `'rotate'`.
   * @param listener - The listener to count (every listener without it).
   * @returns The number of registrations.
   */
  listenerCount(event: 'rotate', listener?: () => void): number;
}

/** Options of a {@link Status} (`CircuitBreaker.newStatus()`). */
export interface OpossumStatusOptions {
  /** Slices of the window. @default 10 */
  rollingCountBuckets?: number | undefined;
  /** Ms the window covers. @default 10_000 */
  rollingCountTimeout?: number | undefined;
  /** Keep latencies and compute percentiles. @default true */
  rollingPercentilesEnabled?: boolean | undefined;
  /** Emit a `snapshot` of the stats at every slice (only while something listens). @default true */
  enableSnapshots?: boolean | undefined;
  /** Rotate the window on this emitter's `rotate` events instead of by time. */
  rotateBucketController?: RotateController | undefined;
  /** Counts to start from (saved `stats`). */
  stats?: Partial<OpossumStats> | undefined;
  /** breakwater: the time source (a `FakeClock` in tests). @default the system clock */
  clock?: Clock | undefined;
}

/** Latencies kept per slice: memory stays bounded however busy the breaker is. */
export const MAX_LATENCIES_PER_BUCKET = 1000;

const PERCENTILES = [0, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.995, 1];

const COUNTERS: readonly StatusCounter[] = [
  'failures',
  'fallbacks',
  'successes',
  'rejects',
  'fires',
  'timeouts',
  'cacheHits',
  'cacheMisses',
  'coalesceCacheHits',
  'coalesceCacheMisses',
  'semaphoreRejections',
];

function emptyBucket(): OpossumBucket {
  return {
    failures: 0,
    fallbacks: 0,
    successes: 0,
    rejects: 0,
    fires: 0,
    timeouts: 0,
    cacheHits: 0,
    cacheMisses: 0,
    coalesceCacheHits: 0,
    coalesceCacheMisses: 0,
    semaphoreRejections: 0,
    percentiles: {},
    latencyTimes: [],
  };
}

/**
 * opossum's rolling statistics of a breaker (`breaker.status`): `rollingCountBuckets` slices of
 * `rollingCountTimeout / rollingCountBuckets` ms each, the newest first (`window[0]`). The window
 * rotates by the clock, computed when read or written (no timer per breaker), or on a
 * `rotateBucketController`'s `rotate` events. `snapshot` events run on a timer only while something
 * listens to them. Latencies are kept per slice, at most one thousand each (the most recent), so
 * memory stays bounded however busy the breaker is.
 *
 * @example
 * ```ts
 * const { fires, failures, percentiles } = breaker.status.stats;
 * ```
 */
export class Status extends EventEmitter {
  /** Whether latencies are kept and percentiles computed. */
  readonly rollingPercentilesEnabled: boolean;
  /** Whether `snapshot` events are emitted. */
  readonly enableSnapshots: boolean;
  /** The emitter whose `rotate` events rotate the window, if any. */
  readonly rotateBucketController: RotateController | undefined;
  readonly #window: OpossumBucket[];
  readonly #clock: Clock;
  readonly #interval: number;
  readonly #start: number;
  /** Slices rotated by the clock so far (since `#start`). */
  #rotations = 0;
  #snapshotTimer: unknown = undefined;
  #shutdown = false;
  readonly #rotate = (): void => this.#shift();

  /**
   * @param options - The window's shape, `stats` to start from, and breakwater's `clock`.
   */
  constructor(options: OpossumStatusOptions = {}) {
    super();
    const buckets = positiveInteger(options.rollingCountBuckets, 10);
    const duration = positiveNumber(options.rollingCountTimeout, 10_000);
    this.#clock = options.clock ?? systemClock;
    this.#interval = Math.max(1, Math.floor(duration / buckets));
    this.#start = this.#clock.now();
    this.#window = Array.from({ length: buckets }, emptyBucket);
    this.rollingPercentilesEnabled = options.rollingPercentilesEnabled !== false;
    this.enableSnapshots = options.enableSnapshots !== false;
    this.rotateBucketController = options.rotateBucketController;
    if (options.stats !== undefined) this.#prime(options.stats);
    this.startListeneningForRotateEvent();
    if (this.enableSnapshots) {
      this.on('newListener', (event: string | symbol) => {
        if (event === 'snapshot') this.#scheduleSnapshot();
      });
    }
  }

  /** The window's counts summed, with the mean latency and percentiles. */
  get stats(): OpossumStats {
    this.#advance();
    const totals: OpossumStats = { ...emptyBucket(), latencyMean: 0 };
    const latencies: number[] = [];
    for (const bucket of this.#window) {
      for (const counter of COUNTERS) totals[counter] += bucket[counter] || 0;
      if (this.rollingPercentilesEnabled) for (const latency of bucket.latencyTimes) latencies.push(latency);
    }
    if (!this.rollingPercentilesEnabled) {
      totals.latencyMean = -1;
      for (const p of PERCENTILES) totals.percentiles[p] = -1;
      return totals;
    }
    latencies.sort((a, b) => a - b);
    let sum = 0;
    for (const latency of latencies) sum += latency;
    totals.latencyTimes = latencies;
    totals.latencyMean = latencies.length === 0 ? 0 : sum / latencies.length;
    for (const p of PERCENTILES) totals.percentiles[p] = nearestRank(latencies, p);
    return totals;
  }

  /** The slices, newest first (a copy of the array; the slices themselves are live). */
  get window(): OpossumBucket[] {
    this.#advance();
    return this.#window.slice();
  }

  /**
   * Counts one event in the newest slice; `successes`, `failures` and `timeouts` keep their latency.
   * @param property - The counter.
   * @param latency - The call's latency in ms.
   */
  increment(property: StatusCounter, latency?: number): void {
    this.#advance();
    const bucket = this.#window[0] as OpossumBucket;
    bucket[property]++;
    if (property === 'successes' || property === 'failures' || property === 'timeouts') {
      if (!this.rollingPercentilesEnabled) return;
      const latencies = bucket.latencyTimes;
      const value = latency ?? 0;
      if (latencies.length < MAX_LATENCIES_PER_BUCKET) latencies.push(value);
      else {
        // A ring: the latency of the n-th timed call of the slice replaces the (n - 1000)-th.
        const n = bucket.successes + bucket.failures + bucket.timeouts;
        latencies[(n - 1) % MAX_LATENCIES_PER_BUCKET] = value;
      }
    }
  }

  /** Marks the newest slice as open. */
  open(): void {
    this.#advance();
    (this.#window[0] as OpossumBucket).isCircuitBreakerOpen = true;
  }

  /** Marks the newest slice as closed. */
  close(): void {
    this.#advance();
    (this.#window[0] as OpossumBucket).isCircuitBreakerOpen = false;
  }

  /** Stops the snapshots and the rotate listener, and forgets this status's listeners. */
  shutdown(): void {
    this.#shutdown = true;
    this.removeAllListeners();
    this.removeRotateBucketControllerListener();
    if (this.#snapshotTimer !== undefined) this.#clock.clearTimeout(this.#snapshotTimer);
    this.#snapshotTimer = undefined;
  }

  /** Stops listening to the rotate controller (a disabled breaker). */
  removeRotateBucketControllerListener(): void {
    this.rotateBucketController?.removeListener('rotate', this.#rotate);
  }

  /** Listens to the rotate controller, once (opossum's spelling of the name). */
  startListeneningForRotateEvent(): void {
    const controller = this.rotateBucketController;
    if (controller !== undefined && controller.listenerCount('rotate', this.#rotate) === 0) {
      controller.on('rotate', this.#rotate);
    }
  }

  /** Applies the rotations the clock has made due since the last read (none with a controller). */
  #advance(): void {
    if (this.rotateBucketController !== undefined) return;
    const due = Math.floor((this.#clock.now() - this.#start) / this.#interval);
    const steps = Math.min(due - this.#rotations, this.#window.length);
    this.#rotations = due;
    for (let i = 0; i < steps; i++) this.#shift();
  }

  #shift(): void {
    this.#window.pop();
    this.#window.unshift(emptyBucket());
  }

  #prime(stats: Partial<OpossumStats>): void {
    const bucket = this.#window[0] as OpossumBucket;
    for (const counter of COUNTERS) {
      const value = stats[counter];
      if (typeof value === 'number' && Number.isFinite(value)) bucket[counter] = value;
    }
    if (Array.isArray(stats.latencyTimes)) {
      bucket.latencyTimes = stats.latencyTimes
        .filter((latency) => typeof latency === 'number')
        .slice(-MAX_LATENCIES_PER_BUCKET);
    }
  }

  /** One `snapshot` per slice while something listens; the timer never keeps the process alive. */
  #scheduleSnapshot(): void {
    if (this.#snapshotTimer !== undefined || this.#shutdown) return;
    this.#snapshotTimer = setUnrefTimeout(
      this.#clock,
      () => {
        this.#snapshotTimer = undefined;
        if (this.#shutdown || this.listenerCount('snapshot') === 0) return;
        try {
          this.emit('snapshot', this.stats);
        } catch {
          // A throwing listener must not end the snapshots, nor escape the timer.
        }
        this.#scheduleSnapshot();
      },
      this.#interval,
    );
  }
}

/** The nearest-rank percentile of sorted `values` (0 for an empty list; the minimum for p = 0). */
function nearestRank(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const rank = Math.max(1, Math.ceil(p * values.length));
  return values[rank - 1] ?? 0;
}

function positiveInteger(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 ? value : fallback;
}

function positiveNumber(value: unknown, fallback: number): number {
  return typeof value === 'number' && value > 0 && Number.isFinite(value) ? value : fallback;
}
