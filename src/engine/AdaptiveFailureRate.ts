import type { AdaptiveThresholdOptions, ResolvedOptions } from '../options.js';
import type { OutcomeWindow } from '../window/OutcomeWindow.js';
import { rate } from '../window/rate.js';
import type { TimeWindow } from '../window/TimeWindow.js';

/** The baseline remembers about this many windows' worth of calls (a slow moving average). */
const BASELINE_WINDOWS = 100;
/** Until it has seen this many windows' worth of calls the rule uses `max`. */
const WARMUP_WINDOWS = 10;
/** A count window is evaluated every this share of its size. */
const EVALUATIONS_PER_COUNT_WINDOW = 10;

/** @internal What the adaptive rule has learned, for `metrics()` and snapshots. */
export interface LearnedBaseline {
  /** The dependency's normal failure rate p̂. */
  readonly failureRate: number;
  /** Calls behind it (decayed: about the last 20 windows' worth). */
  readonly calls: number;
  /** Evaluations made since the rule started learning (the warm-up counts them). */
  readonly evaluations: number;
}

/**
 * @internal The adaptive failure-rate rule of one breaker (DESIGN section 10): it learns the normal
 * failure rate p̂ while closed, as a slow moving average over the outcomes of the batches between
 * evaluations (failures and calls both decayed, so that p̂ is call-weighted), and trips when the
 * window's rate exceeds clamp(p̂ + sensitivity·sqrt(p̂(1 − p̂)/n), min, max), n the window's calls.
 *
 * It evaluates once per batch, not per outcome: every tenth of a count window's size, or when a time
 * window's bucket closes. Evaluating after every outcome tests the same calls again and again and
 * multiplies false trips. A batch that trips is not learned. O(1) per outcome.
 */
export class AdaptiveFailureRate {
  readonly #min: number;
  readonly #max: number;
  readonly #sensitivity: number;
  /** Outcomes per batch (count window), or 0 for a time window (a batch ends with a bucket). */
  readonly #batchSize: number;
  readonly #decay: number;
  readonly #warmup: number;
  #learnedCalls = 0;
  #learnedFailures = 0;
  #evaluations = 0;
  #batchCalls = 0;
  #batchFailures = 0;
  /** The time window's slice when the batch began. */
  #slice = Number.NaN;
  /** The threshold of the last evaluation. */
  #threshold: number;

  constructor(options: ResolvedOptions, adaptive: Readonly<Required<AdaptiveThresholdOptions>>) {
    this.#min = adaptive.min;
    this.#max = adaptive.max;
    this.#sensitivity = adaptive.sensitivity;
    const window = options.window;
    const perWindow = window.type === 'count' ? EVALUATIONS_PER_COUNT_WINDOW : window.buckets;
    this.#batchSize =
      window.type === 'count' ? Math.max(1, Math.ceil(window.size / EVALUATIONS_PER_COUNT_WINDOW)) : 0;
    this.#decay = 1 - 1 / (BASELINE_WINDOWS * perWindow);
    this.#warmup = WARMUP_WINDOWS * perWindow;
    this.#threshold = adaptive.max;
  }

  /** Whether the baseline has seen enough to be used (before that the threshold is `max`). */
  get learned(): boolean {
    return this.#evaluations >= this.#warmup;
  }

  /** The rule's threshold now (what the next evaluation would use for a full window). */
  get threshold(): number {
    return this.#threshold;
  }

  /** What it has learned, for `metrics()` and `toJSON()`. */
  baseline(): LearnedBaseline {
    return {
      failureRate: rate(this.#learnedFailures, this.#learnedCalls),
      calls: this.#learnedCalls,
      evaluations: this.#evaluations,
    };
  }

  /** Starts from a saved baseline (`initialState`). */
  restore(saved: LearnedBaseline): void {
    this.#learnedCalls = saved.calls;
    this.#learnedFailures = saved.failureRate * saved.calls;
    this.#evaluations = saved.evaluations;
    this.#threshold = this.#thresholdFor(Number.POSITIVE_INFINITY);
  }

  /**
   * One outcome, just recorded in `window`. At the end of a batch, evaluates the window; returns
   * whether its rate exceeds the learned threshold (the caller gates on `minimumCalls`).
   */
  observe(failure: boolean, window: OutcomeWindow): boolean {
    let ends: boolean;
    if (this.#batchSize > 0) {
      ends = this.#batchCalls + 1 >= this.#batchSize;
    } else {
      const slice = (window as TimeWindow).slice;
      ends = slice !== this.#slice && !Number.isNaN(this.#slice);
      if (slice !== this.#slice) this.#slice = slice;
    }
    this.#batchCalls++;
    if (failure) this.#batchFailures++;
    return ends && this.#evaluate(window);
  }

  /** A new round begins (the breaker closed again, or was reset): the batch starts over. */
  clear(): void {
    this.#batchCalls = 0;
    this.#batchFailures = 0;
    this.#slice = Number.NaN;
  }

  #evaluate(window: OutcomeWindow): boolean {
    const calls = window.calls;
    const threshold = this.#thresholdFor(calls);
    this.#threshold = threshold;
    const exceeds = calls > 0 && window.failures / calls > threshold;
    if (!exceeds) {
      // Learn the batch: the dependency behaved normally enough not to trip.
      this.#learnedCalls = this.#learnedCalls * this.#decay + this.#batchCalls;
      this.#learnedFailures = this.#learnedFailures * this.#decay + this.#batchFailures;
      this.#evaluations++;
    }
    this.#batchCalls = 0;
    this.#batchFailures = 0;
    return exceeds;
  }

  /** clamp(p̂ + sensitivity·sqrt(p̂(1 − p̂)/n), min, max); `max` until warmed up. */
  #thresholdFor(calls: number): number {
    if (this.#evaluations < this.#warmup || this.#learnedCalls === 0) return this.#max;
    const p = this.#learnedFailures / this.#learnedCalls;
    const spread = calls === Number.POSITIVE_INFINITY ? 0 : Math.sqrt((p * (1 - p)) / Math.max(1, calls));
    return Math.min(this.#max, Math.max(this.#min, p + this.#sensitivity * spread));
  }
}
