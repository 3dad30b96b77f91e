import type { AdaptiveThresholdOptions, ResolvedOptions } from '../options.js';
import type { SavedBaseline } from '../snapshot.js';
import type { OutcomeWindow } from '../window/OutcomeWindow.js';
import type { TimeWindow } from '../window/TimeWindow.js';

/**
 * The detector's threshold h at `sensitivity: 1`: ln(10^8). At exactly its reference rate a CUSUM
 * of log-likelihood ratios reaches h less than once per e^h outcomes (Wald's bound): under one false
 * open per 10^8 calls, measured at about one per 10^9 or more for reference rates from 0.1% to 25%.
 */
const DEFAULT_H = Math.log(1e8);
/** The reference rate p0 is never below this: a dependency that never fails is not held to 0%. */
const FLOOR = 0.001;
/** Nor above this (keeps the log-likelihood ratios finite). */
const CEILING = 0.99;
/**
 * The baseline remembers about this many failures' worth of calls (a moving average whose decay per
 * call is max(p̂, 0.001) / 1000): 12,500 calls at 8%, 4,000 at 25%, 10^6 at 0.1% and below. A
 * memory counted in failures keeps p̂'s relative error near 1/sqrt(2000) ≈ 2% at every rate, which
 * changes the detector's false-open rate by well under 2x.
 */
const MEMORY_FAILURES = 1000;
/** Until it has learned from this many windows' worth of calls the rule is the fixed one at `max`. */
const WARMUP_WINDOWS = 10;
/** Outcomes are learned in batches of at most this many (the detector is re-tuned after each). */
const BATCH = 100;

/**
 * @internal The adaptive failure-rate rule of one breaker (DESIGN section 10): Page's CUSUM on the
 * outcomes against a learned baseline.
 *
 * - The baseline p̂ is a moving average of the outcomes learned while closed, over about the last
 *   1,000 failures' worth of calls. Outcomes are learned in batches (100 calls, or the count
 *   window's size if smaller); a batch is dropped, not learned, when the detector becomes alarmed
 *   and when the breaker opens, closes or is reset (what happens while alarmed or open is not
 *   learned).
 * - Until the baseline has learned from 10 windows' worth of calls (10 × the count window's size,
 *   or, with a time window, calls in 10 × `buckets` distinct slices) the detector is off and the
 *   rule is the fixed one at `max`.
 * - Then, per outcome, S = max(0, S + (failed ? ln(p1/p0) : ln((1 − p1)/(1 − p0)))) with
 *   p0 = clamp(p̂, 0.001, 0.99) and p1 = min(2·p0, (1 + p0)/2): the smallest rise worth catching is
 *   a doubling of the failure rate (or a halving of the success rate, past p0 = 1/3). p0 and p1 are
 *   re-tuned after each batch. (Tuning p1 to `min` at low baselines caught an outage a few failures
 *   sooner but opened on more brown-out tails, whose timeouts come after the dependency is back.)
 * - It opens when S ≥ h (h = ln(10^8) / sensitivity) and the window's failure rate is at least
 *   `min`; S then stays at h until it may open. It is alarmed while S > h/2 and the window's rate is
 *   at least `min` (a rise under `min` is learned as the new normal).
 * - `max` is a plain ceiling: the window's rate at or above `max` opens at once, learned or not.
 *
 * O(1) per outcome and no allocation: one addition to S, one to the batch (two on a failure), and a
 * division on a failure (on every outcome with a time window); two logarithms and an exponential per
 * batch.
 */
export class AdaptiveFailureRate {
  readonly #min: number;
  readonly #max: number;
  /** h: S at which the detector opens. */
  readonly #h: number;
  /** h / 2: alarmed above it. */
  readonly #half: number;
  /** Outcomes per batch. */
  readonly #batch: number;
  /** A count window's size, or 0 for a time window. */
  readonly #size: number;
  readonly #minimumCalls: number;
  /** Warm-up: calls (count window) or distinct slices (time window) to learn from first. */
  readonly #warmup: number;
  /** Progress of the warm-up, in the same unit. */
  #warmed = 0;
  #learned = false;
  /** The decayed calls and failures behind p̂. */
  #calls = 0;
  #failures = 0;
  /** Decay per learned call: max(p̂, FLOOR) / MEMORY_FAILURES. */
  #decay = FLOOR / MEMORY_FAILURES;
  /** The batch being learned. */
  #batchCalls = 0;
  #batchFailures = 0;
  /** A time window warming up: the slice of the last learned outcome, and whether to watch it. */
  #slice = Number.NaN;
  #watchSlices: boolean;
  /** The CUSUM statistic. */
  #s = 0;
  /** ln(p1/p0), added on a failure. */
  #up = 0;
  /** ln((1 − p1)/(1 − p0)), added on a success (negative). */
  #down = 0;

  constructor(options: ResolvedOptions, adaptive: Readonly<Required<AdaptiveThresholdOptions>>) {
    this.#min = adaptive.min;
    this.#max = adaptive.max;
    this.#h = DEFAULT_H / adaptive.sensitivity;
    this.#half = this.#h / 2;
    this.#minimumCalls = options.minimumCalls;
    const window = options.window;
    this.#size = window.type === 'count' ? window.size : 0;
    this.#batch = window.type === 'count' ? Math.min(BATCH, window.size) : BATCH;
    this.#warmup = WARMUP_WINDOWS * (window.type === 'count' ? window.size : window.buckets);
    this.#watchSlices = window.type === 'time';
    this.#tune();
  }

  /** Whether the baseline has seen 10 windows' worth of calls (before that the rule is `max`). */
  get learned(): boolean {
    return this.#learned;
  }

  /** The learned normal failure rate p̂ (0 before anything is learned). */
  get baseline(): number {
    return this.#calls === 0 ? 0 : this.#failures / this.#calls;
  }

  /** The detector's statistic as a share of h, in [0, 1]. */
  get alarm(): number {
    return Math.min(1, this.#s / this.#h);
  }

  /**
   * The failure rate at which the detector opens within a window's calls: n calls with k failures
   * raise S from 0 by at least k·ln(p1/p0) + (n − k)·ln((1 − p1)/(1 − p0)) (clipping at 0 only
   * raises it), which reaches h once k/n ≥ (h/n − ln((1 − p1)/(1 − p0))) / (ln(p1/p0) −
   * ln((1 − p1)/(1 − p0))). Clamped to [min, max]; `max` until learned.
   * @param windowCalls - The calls the window holds now (n for a time window, at least
   * `minimumCalls`; a count window uses its size).
   * @returns The rate, in (0, 1].
   */
  threshold(windowCalls: number): number {
    if (!this.#learned) return this.#max;
    const n = this.#size > 0 ? this.#size : Math.max(windowCalls, this.#minimumCalls, 1);
    const rate = (this.#h / n - this.#down) / (this.#up - this.#down);
    return Math.min(this.#max, Math.max(this.#min, rate));
  }

  /**
   * One outcome of a closed breaker, just recorded in `window`: learns it, moves the detector, and
   * says whether the rule opens (the caller gates on `minimumCalls`).
   * @param failure - Whether the call failed.
   * @param window - The breaker's window, holding this outcome.
   * @returns `true` when the window's rate reached `max`, or the detector reached h with the
   * window's rate at or above `min`.
   */
  observe(failure: boolean, window: OutcomeWindow): boolean {
    // While warming up both increments are 0: S stays 0 and every outcome takes the first branch.
    const s = this.#s + (failure ? this.#up : this.#down);
    if (s <= this.#half) {
      this.#s = s > 0 ? s : 0;
      if (failure) this.#batchFailures++;
      if (++this.#batchCalls >= this.#batch) this.#fold();
      if (this.#watchSlices) this.#countSlice(window);
      // The ceiling: on a success only a time window's rate can rise (older successes age out).
      return (failure || this.#size === 0) && window.failures / window.calls >= this.#max;
    }
    return this.#alarmed(s, failure, window);
  }

  /** {@link observe} with S above h/2: learned only while the window's rate is below `min`. */
  #alarmed(s: number, failure: boolean, window: OutcomeWindow): boolean {
    const belowMin = window.failures / window.calls < this.#min;
    if (!belowMin) this.#drop();
    else {
      if (failure) this.#batchFailures++;
      if (++this.#batchCalls >= this.#batch) this.#fold();
    }
    if (s >= this.#h) {
      this.#s = this.#h;
      return !belowMin;
    }
    this.#s = s;
    return (failure || this.#size === 0) && window.failures / window.calls >= this.#max;
  }

  /** A new round (the breaker opened, closed again or was reset): S restarts, the batch is dropped. */
  clear(): void {
    this.#s = 0;
    this.#drop();
  }

  /** What it has learned, for `toJSON()`. */
  saved(): SavedBaseline {
    return { failureRate: this.baseline, calls: this.#calls, learned: this.#learned };
  }

  /**
   * Starts from a saved baseline (`initialState`). A first-version snapshot has `evaluations` instead
   * of `learned`: it had warmed up after 10 windows of evaluations (10 per count window, one per
   * time-window bucket), which is 10 × 10 for a count window and 10 × `buckets` for a time window.
   */
  restore(saved: SavedBaseline, options: ResolvedOptions): void {
    const window = options.window;
    const learned =
      saved.learned ??
      (saved.evaluations ?? 0) >= WARMUP_WINDOWS * (window.type === 'count' ? 10 : window.buckets);
    this.#calls = saved.calls;
    this.#failures = saved.failureRate * saved.calls;
    this.#warmed = learned ? this.#warmup : this.#size > 0 ? Math.min(saved.calls, this.#warmup) : 0;
    if (learned) this.#warmedUp();
    this.#s = 0;
    this.#drop();
    this.#tune();
  }

  /** A time window warming up: counts the distinct slices it has learned in. */
  #countSlice(window: OutcomeWindow): void {
    const slice = (window as TimeWindow).slice;
    if (slice === this.#slice) return;
    this.#slice = slice;
    if (++this.#warmed >= this.#warmup) this.#fold();
  }

  #drop(): void {
    this.#batchCalls = 0;
    this.#batchFailures = 0;
  }

  /** Folds the batch into the moving average, ends the warm-up when due, re-tunes the detector. */
  #fold(): void {
    const calls = this.#batchCalls;
    const keep = Math.exp(-this.#decay * calls);
    this.#calls = this.#calls * keep + calls;
    this.#failures = this.#failures * keep + this.#batchFailures;
    this.#drop();
    if (!this.#learned) {
      if (this.#size > 0) this.#warmed += calls;
      if (this.#warmed >= this.#warmup && this.#calls > 0) this.#warmedUp();
    }
    this.#tune();
  }

  /** The warm-up is over: the detector starts from 0. */
  #warmedUp(): void {
    this.#learned = true;
    this.#watchSlices = false;
    this.#s = 0;
  }

  /** p0, p1 and the two increments from p̂ (both 0 while warming up: the detector is off). */
  #tune(): void {
    const p = this.baseline;
    this.#decay = Math.max(p, FLOOR) / MEMORY_FAILURES;
    const p0 = Math.min(CEILING, Math.max(FLOOR, p));
    const p1 = Math.min(2 * p0, (1 + p0) / 2);
    this.#up = this.#learned ? Math.log(p1 / p0) : 0;
    this.#down = this.#learned ? Math.log((1 - p1) / (1 - p0)) : 0;
  }
}
