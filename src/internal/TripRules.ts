import type { Clock } from '../clock/Clock.js';
import type { TransitionReason } from '../events.js';
import type { ResolvedOptions } from '../options.js';
import { CountWindow } from '../window/CountWindow.js';
import { FAILURE, type OutcomeWindow, SLOW } from '../window/OutcomeWindow.js';
import { TimeWindow } from '../window/TimeWindow.js';

/** @internal The reasons a closed breaker trips. */
export type TripReason = Extract<TransitionReason, 'failure_threshold' | 'failure_rate' | 'slow_call_rate'>;

/**
 * @internal The trip rules of a closed breaker: consecutive failures, failure rate and slow-call rate
 * over a window, gated by `minimumCalls`. The window is allocated on first use.
 */
export class TripRules {
  readonly #options: ResolvedOptions;
  readonly #clock: Clock;
  readonly #timed: boolean;
  #window: OutcomeWindow | undefined;
  consecutiveFailures = 0;

  constructor(options: ResolvedOptions) {
    this.#options = options;
    this.#clock = options.clock;
    this.#timed = options.window.type === 'time';
  }

  /** Records one outcome and says which rule, if any, now holds. */
  record(failure: boolean, slow: boolean): TripReason | undefined {
    const o = this.#options;
    if (failure) this.consecutiveFailures++;
    else this.consecutiveFailures = 0;
    const window = (this.#window ??= this.#createWindow());
    window.record((failure ? FAILURE : 0) | (slow ? SLOW : 0), this.#timed ? this.#clock.now() : 0);
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
  counts(): { calls: number; failures: number; slowCalls: number } {
    const window = this.#window;
    if (window === undefined) return { calls: 0, failures: 0, slowCalls: 0 };
    if (this.#timed) window.advance(this.#clock.now());
    return { calls: window.calls, failures: window.failures, slowCalls: window.slowCalls };
  }

  clear(): void {
    this.consecutiveFailures = 0;
    this.#window?.clear();
  }

  #createWindow(): OutcomeWindow {
    const w = this.#options.window;
    return w.type === 'count' ? new CountWindow(w.size) : new TimeWindow(w.duration, w.buckets);
  }
}
