import type { TransitionReason } from '../events.js';
import type { ResolvedOptions } from '../options.js';
import { coarseClockFor } from '../window/CoarseClock.js';
import { CountWindow } from '../window/CountWindow.js';
import { FAILURE, type OutcomeWindow, SLOW } from '../window/OutcomeWindow.js';
import { TimeWindow } from '../window/TimeWindow.js';
import { AdaptiveFailureRate } from './AdaptiveFailureRate.js';

/** @internal The window's counts at one moment. */
export interface WindowCounts {
  readonly calls: number;
  readonly failures: number;
  readonly slowCalls: number;
}

/** @internal The reasons a closed breaker trips. */
export type TripReason = Extract<TransitionReason, 'failure_threshold' | 'failure_rate' | 'slow_call_rate'>;

/**
 * @internal One trip rule of a closed breaker. Rules read the window and the consecutive count that
 * {@link TripRules} keeps; they are asked only once `minimumCalls` is reached.
 */
export interface TripRule {
  readonly reason: TripReason;
  /** The configured threshold, for logs. */
  readonly threshold: number;
  /** Whether the rule holds now; `failure` says whether the outcome just recorded was one. */
  holds(counts: TripRules, failure: boolean): boolean;
}

/** `failureThreshold` consecutive failures. */
class ConsecutiveFailures implements TripRule {
  readonly reason = 'failure_threshold';
  constructor(readonly threshold: number) {}
  holds(counts: TripRules, failure: boolean): boolean {
    return failure && counts.consecutiveFailures >= this.threshold;
  }
}

/** failures / calls in the window >= `failureRateThreshold`. */
class FailureRate implements TripRule {
  readonly reason = 'failure_rate';
  constructor(readonly threshold: number) {}
  holds(counts: TripRules): boolean {
    return counts.failures / counts.calls >= this.threshold;
  }
}

/** slow calls / calls in the window >= `slowCallRateThreshold`. */
class SlowCallRate implements TripRule {
  readonly reason = 'slow_call_rate';
  constructor(readonly threshold: number) {}
  holds(counts: TripRules): boolean {
    return counts.slowCalls / counts.calls >= this.threshold;
  }
}

/** The stateless rules of an options object, shared by every breaker made from it. */
const sharedRules = new WeakMap<ResolvedOptions, readonly TripRule[]>();

function rulesOf(options: ResolvedOptions): readonly TripRule[] {
  let rules = sharedRules.get(options);
  if (rules === undefined) {
    const list: TripRule[] = [];
    if (options.failureThreshold !== false) list.push(new ConsecutiveFailures(options.failureThreshold));
    if (typeof options.failureRateThreshold === 'number')
      list.push(new FailureRate(options.failureRateThreshold));
    if (options.slowCallRateThreshold !== false) list.push(new SlowCallRate(options.slowCallRateThreshold));
    rules = Object.freeze(list);
    sharedRules.set(options, rules);
  }
  return rules;
}

/**
 * @internal What a closed breaker counts and the rules that trip it: the consecutive failures, the
 * window (count or time; allocated with the first failure or slow call, since a window of
 * successes only is fully described by its count), and the rule objects, gated by `minimumCalls`.
 * Owned by the automaton, which alone records into it and clears it.
 */
export class TripRules {
  readonly #rules: readonly TripRule[];
  /**
   * The window, or, before the first failure or slow call of a count window, the number of successes
   * it would hold: a window of successes only is just a count.
   */
  #window: OutcomeWindow | number = 0;
  consecutiveFailures = 0;
  /** The adaptive failure-rate rule, the one rule with state of its own (only when configured). */
  readonly adaptive: AdaptiveFailureRate | undefined;

  constructor(options: ResolvedOptions) {
    this.#rules = rulesOf(options);
    const rate = options.failureRateThreshold;
    this.adaptive = typeof rate === 'object' ? new AdaptiveFailureRate(options, rate) : undefined;
  }

  /** Calls in the window. */
  get calls(): number {
    const window = this.#window;
    return typeof window === 'number' ? window : window.calls;
  }

  /** Failures in the window. */
  get failures(): number {
    const window = this.#window;
    return typeof window === 'number' ? 0 : window.failures;
  }

  /** Slow calls in the window. */
  get slowCalls(): number {
    const window = this.#window;
    return typeof window === 'number' ? 0 : window.slowCalls;
  }

  /**
   * Records one outcome and says which rule, if any, now holds. `options` are the breaker's (passed,
   * not kept: one field less in every breaker).
   */
  record(failure: boolean, slow: boolean, options: ResolvedOptions): TripReason | undefined {
    const clean = this.#window;
    if (!failure && !slow && typeof clean === 'number' && this.adaptive === undefined) {
      const window = options.window;
      if (window.type === 'count') {
        // A success before any failure: the window is just a count (small enough to inline).
        this.consecutiveFailures = 0;
        if (clean < window.size) this.#window = clean + 1;
        return undefined;
      }
    }
    return this.recordInWindow(failure, slow, options);
  }

  /** {@link TripRules.record} for an outcome the window itself must hold. */
  recordInWindow(failure: boolean, slow: boolean, o: ResolvedOptions): TripReason | undefined {
    if (failure) this.consecutiveFailures++;
    else this.consecutiveFailures = 0;
    let window = this.#window;
    if (typeof window === 'number') window = this.#window = createWindow(o, window);
    window.record((failure ? FAILURE : 0) | (slow ? SLOW : 0), o.window.type === 'time' ? windowNow(o) : 0);
    // The adaptive rule learns from every outcome, whether or not the gate below lets rules trip.
    const adaptiveHolds = this.adaptive?.observe(failure, window) === true;
    if (window.calls < o.minimumCalls) return undefined;
    for (const rule of this.#rules) if (rule.holds(this, failure)) return rule.reason;
    return adaptiveHolds ? 'failure_rate' : undefined;
  }

  /** The threshold of the rule behind `reason`, or of the first rule for other transitions (logs). */
  threshold(reason: TransitionReason): number | false {
    const rules = this.#rules;
    for (const rule of rules) if (rule.reason === reason) return rule.threshold;
    if (this.adaptive !== undefined && (reason === 'failure_rate' || rules.length === 0))
      return this.adaptive.threshold(this.calls);
    return rules[0]?.threshold ?? false;
  }

  /**
   * Calls, failures and slow calls in the window. A time window is moved to `now` only while it
   * counts (`live`): an open breaker keeps showing what tripped it.
   */
  counts(live: boolean, options: ResolvedOptions): WindowCounts {
    const window = this.#window;
    if (typeof window === 'number') return { calls: window, failures: 0, slowCalls: 0 };
    if (live && options.window.type === 'time') window.advance(windowNow(options));
    return { calls: window.calls, failures: window.failures, slowCalls: window.slowCalls };
  }

  clear(): void {
    this.consecutiveFailures = 0;
    this.adaptive?.clear();
    if (typeof this.#window === 'number') this.#window = 0;
    else this.#window.clear();
  }
}

/**
 * The time for a time window: the clock's, or a coarse one shared by the breakers on that clock when
 * the window's slices are a second or longer (a clock read per outcome is most of a call's cost on
 * some machines; a slice placed to within 50 ms of 1 s is placed to within 5%).
 */
function windowNow(options: ResolvedOptions): number {
  const w = options.window;
  if (w.type === 'time' && w.duration / w.buckets >= 1000) return coarseClockFor(options.clock).now();
  return options.clock.now();
}

/** The window of a breaker's first failure or slow call, holding the successes counted before it. */
function createWindow(options: ResolvedOptions, cleanCalls: number): OutcomeWindow {
  const w = options.window;
  if (w.type === 'time') return new TimeWindow(w.duration, w.buckets);
  const window = new CountWindow(w.size);
  window.fillWithSuccesses(cleanCalls);
  return window;
}
