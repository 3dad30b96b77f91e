import type { CircuitState } from './CircuitState.js';
import type { TransitionReason } from './events.js';
import type { LatencySummary } from './window/LatencyHistogram.js';

/** Transitions by `from` and `to` state: `{ closed: { open: 3 }, open: { half_open: 3 } }`. */
export type TransitionCounts = {
  readonly [From in CircuitState]?: { readonly [To in CircuitState]?: number };
};

/**
 * What an adaptive failure-rate rule has learned, and how close its detector is to opening
 * (`metrics().adaptive`). The rule is described at `AdaptiveThresholdOptions`.
 */
export interface AdaptiveThresholdMetrics {
  /** The dependency's learned normal failure rate p̂ (0 before it has learned anything). */
  readonly baseline: number;
  /**
   * The failure rate at which the detector opens within a window's calls, starting from no
   * evidence: (h/n − ln((1 − p1)/(1 − p0))) / (ln(p1/p0) − ln((1 − p1)/(1 − p0))), n the count
   * window's size (a time window: the calls it holds, at least `minimumCalls`), clamped to
   * [`min`, `max`]. A smaller rise held for longer opens it too. `max` until the baseline is learned.
   */
  readonly threshold: number;
  /** Whether the baseline has seen 10 windows' worth of calls (before that, `max` applies). */
  readonly learned: boolean;
  /**
   * The detector's statistic as a share of the level that opens the breaker, in [0, 1]: 0 when the
   * failures match the baseline, 1 when it opens (or would, but for `min`). Above 0.5 it is alarmed:
   * while the window's failure rate is at least `min`, nothing is learned.
   */
  readonly alarm: number;
}

/** The client-side throttle's figures (`metrics().throttle`), over its `duration`. */
export interface ThrottleMetrics {
  /** The probability with which a call is refused now. */
  readonly rejectionProbability: number;
  /** Calls that reached the throttle (refused ones included). */
  readonly requests: number;
  /** Calls the dependency served (successes and errors that are not failures). */
  readonly accepts: number;
}

/** The cache's figures (`metrics().cache`), since the breaker was created. */
export interface CacheMetrics {
  /** Calls with a key served from the cache. */
  readonly hits: number;
  /** Calls with a key that found no fresh value. */
  readonly misses: number;
  /** Entries held now (at most `cache.maxEntries`). */
  readonly size: number;
}

/** Request coalescing's figures (`metrics().coalesce`), since the breaker was created. */
export interface CoalesceMetrics {
  /** Calls with a key that joined a call in flight. */
  readonly hits: number;
  /** Calls with a key that made their own call. */
  readonly misses: number;
  /** Calls in flight that may be joined now. */
  readonly inFlight: number;
}

/**
 * A snapshot of a breaker's figures (`breaker.metrics()`). Cumulative counts run since creation or
 * the last `reset()`; `totalCalls` = `successfulCalls + failedCalls + rejectedCalls + ignoredCalls`.
 * Window figures (`failureRate`, `successRate`, `slowCallRate`, `windowCalls`,
 * `consecutiveFailures`) are frozen from the moment the breaker opens until it closes: while open,
 * half-open (its trials count in their round, not in the window) and re-opened after a failed trial,
 * they show what tripped it (with the trial's failure in `lastError`).
 */
export interface CircuitBreakerMetrics {
  /** The breaker's name. */
  readonly name: string;
  /** Its state when read. */
  readonly state: CircuitState;
  /** Every call made, refused ones included. */
  readonly totalCalls: number;
  /** Calls that succeeded. */
  readonly successfulCalls: number;
  /** Failures, timeouts included. */
  readonly failedCalls: number;
  /** Calls refused without calling the function (open, half-open full, forced open, bulkhead, disposed). */
  readonly rejectedCalls: number;
  /** Calls whose error was not a failure, and calls the caller aborted. */
  readonly ignoredCalls: number;
  /** Failures that were timeouts (a subset of `failedCalls`). */
  readonly timeouts: number;
  /** Calls slower than `slowCallDuration` (measured only when a slow-call rule or listener needs it). */
  readonly slowCalls: number;
  /** Fallbacks served. */
  readonly fallbacks: number;
  /** Calls admitted and not settled yet (trials included). */
  readonly inFlight: number;
  /** Failures in a row since the last success (frozen while open). */
  readonly consecutiveFailures: number;
  /** Failures / calls in the window; 0 when it is empty. */
  readonly failureRate: number;
  /** Successes / calls in the window; 0 when it is empty. */
  readonly successRate: number;
  /** Slow calls / calls in the window; 0 when it is empty. */
  readonly slowCallRate: number;
  /** Calls in the window. */
  readonly windowCalls: number;
  /** Latency in ms from a fixed-size histogram (sampled, see `latencySampling`). */
  readonly latency: LatencySummary;
  /** Epoch ms of the last failure, or `null`. */
  readonly lastFailureAt: number | null;
  /**
   * The last failure, described: `Name: message` for an error, the status for a result that
   * `isResultFailure` marked (`Response 503 Service Unavailable`), else the value as `String()`
   * prints it; `[unprintable value]` when nothing about it can be read. `null` before any failure.
   */
  readonly lastError: string | null;
  /** Transitions since creation or the last reset. */
  readonly stateTransitions: number;
  /** The same transitions by `from` and `to` state (an exporter's transition counter). */
  readonly transitions: TransitionCounts;
  /** Epoch ms when the breaker last opened, while it is open; otherwise `null`. */
  readonly openedAt: number | null;
  /** Epoch ms when an open breaker will admit trials, while it is open; otherwise `null`. */
  readonly retryAt: number | null;
  /**
   * Why the breaker last opened (the tripping rule, `trial_failed`, `manual_open`, `force_open`, or
   * `remote` when it followed the fleet), while it is open or forced open; otherwise `null`.
   */
  readonly openReason: TransitionReason | null;
  /**
   * With a store: the instance whose decision opened the fleet (a `RedisStore`'s `instanceId`, a
   * `MemoryStore` binding's id), while open; otherwise `null`.
   */
  readonly openedBy: string | null;
  /** With an adaptive failure-rate rule: what it has learned; otherwise `null`. */
  readonly adaptive: AdaptiveThresholdMetrics | null;
  /** With `throttle`: its rejection probability and counts; otherwise `null`. */
  readonly throttle: ThrottleMetrics | null;
  /**
   * With `cache`: its hits, misses and size; otherwise `null`. A call served from the cache is not
   * a call of the function: it is counted here, not in `totalCalls`.
   */
  readonly cache: CacheMetrics | null;
  /**
   * With `coalesce`: its hits, misses and calls in flight; otherwise `null`. A caller that joined a
   * call is counted here, not in `totalCalls` (the call it joined is counted once).
   */
  readonly coalesce: CoalesceMetrics | null;
}
