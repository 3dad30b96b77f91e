import type { TransitionReason } from '../events.js';
import type { ResolvedOptions } from '../options.js';
import { CountWindow } from '../window/CountWindow.js';
import { FAILURE, type OutcomeWindow, SLOW } from '../window/OutcomeWindow.js';
import { TimeWindow } from '../window/TimeWindow.js';

/** @internal The window's counts at one moment. */
export interface WindowCounts {
  readonly calls: number;
  readonly failures: number;
  readonly slowCalls: number;
}

/** @internal The reasons a closed breaker trips. */
export type TripReason = Extract<TransitionReason, 'failure_threshold' | 'failure_rate' | 'slow_call_rate'>;

/**
 * @internal The trip rules of a closed breaker: consecutive failures, failure rate and slow-call rate
 * over a window, gated by `minimumCalls`. A count window is allocated with the first failure or slow call.
 */
export class TripRules {
  readonly #options: ResolvedOptions;
  #window: OutcomeWindow | undefined = undefined;
  /**
   * Successes recorded before a count window exists. A window holding nothing but successes trips no
   * rule and is fully described by its count, so a healthy breaker never allocates one.
   */
  #cleanCalls = 0;
  consecutiveFailures = 0;

  constructor(options: ResolvedOptions) {
    this.#options = options;
  }

  /** Records one outcome and says which rule, if any, now holds. */
  record(failure: boolean, slow: boolean): TripReason | undefined {
    const o = this.#options;
    if (failure) this.consecutiveFailures++;
    else this.consecutiveFailures = 0;
    let window = this.#window;
    if (window === undefined) {
      if (!failure && !slow && o.window.type === 'count') {
        if (this.#cleanCalls < o.window.size) this.#cleanCalls++;
        return undefined;
      }
      window = this.#window = this.#createWindow();
    }
    window.record((failure ? FAILURE : 0) | (slow ? SLOW : 0), o.window.type === 'time' ? o.clock.now() : 0);
    const calls = window.calls;
    if (calls < o.minimumCalls) return undefined;
    if (failure && o.failureThreshold !== false && this.consecutiveFailures >= o.failureThreshold) {
      return 'failure_threshold';
    }
    if (o.failureRateThreshold !== false && window.failures / calls >= o.failureRateThreshold)
      return 'failure_rate';
    if (o.slowCallRateThreshold !== false && window.slowCalls / calls >= o.slowCallRateThreshold) {
      return 'slow_call_rate';
    }
    return undefined;
  }

  /** The configured threshold of a rule (for logs). */
  threshold(reason: TransitionReason): number | false {
    const o = this.#options;
    if (reason === 'failure_rate') return o.failureRateThreshold;
    if (reason === 'slow_call_rate') return o.slowCallRateThreshold;
    if (reason === 'failure_threshold' || o.failureThreshold !== false) return o.failureThreshold;
    return o.failureRateThreshold !== false ? o.failureRateThreshold : o.slowCallRateThreshold;
  }

  /** Calls, failures and slow calls in the window now. */
  counts(): WindowCounts {
    const window = this.#window;
    if (window === undefined) return { calls: this.#cleanCalls, failures: 0, slowCalls: 0 };
    if (this.#options.window.type === 'time') window.advance(this.#options.clock.now());
    return { calls: window.calls, failures: window.failures, slowCalls: window.slowCalls };
  }

  clear(): void {
    this.consecutiveFailures = 0;
    this.#cleanCalls = 0;
    this.#window?.clear();
  }

  #createWindow(): OutcomeWindow {
    const w = this.#options.window;
    if (w.type === 'time') return new TimeWindow(w.duration, w.buckets);
    const window = new CountWindow(w.size);
    window.fillWithSuccesses(this.#cleanCalls);
    return window;
  }
}
