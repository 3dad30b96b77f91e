import type { TransitionReason } from '../events.js';
import type { ResolvedOptions } from '../options.js';

/** What the shared rules read: the fleet's counts over the shared window and its failure run. */
export interface SharedCounts {
  /** Calls the fleet reported in the window. */
  readonly calls: number;
  /** Failures among them. */
  readonly failures: number;
  /** Slow calls among them. */
  readonly slow: number;
  /** Consecutive failures across the fleet since the last success any instance reported. */
  readonly run: number;
}

/**
 * The fleet-wide trip rules of DESIGN section 5, with the reporting breaker's options: a failure run
 * of `failureThreshold`, or a failure or slow-call rate at its threshold, once the window holds
 * `minimumCalls` calls (the gate applies to every rule). The same rules run in the Redis script.
 * @param options - The reporting breaker's effective options.
 * @param counts - The fleet's counts.
 * @returns The rule that holds, or `undefined`.
 */
export function sharedTrip(options: ResolvedOptions, counts: SharedCounts): TransitionReason | undefined {
  if (counts.calls < options.minimumCalls) return undefined;
  const threshold = options.failureThreshold;
  if (threshold !== false && counts.run >= threshold) return 'failure_threshold';
  const rate = sharedFailureRate(options);
  if (rate !== false && counts.failures / counts.calls >= rate) return 'failure_rate';
  const slowRate = options.slowCallRateThreshold;
  if (slowRate !== false && counts.slow / counts.calls >= slowRate) return 'slow_call_rate';
  return undefined;
}

/**
 * The failure-rate threshold the fleet shares: a fixed one. An adaptive rule learns one instance's
 * dependency and decides locally (its trips open the fleet like any local trip), so it is not shared.
 */
export function sharedFailureRate(options: ResolvedOptions): number | false {
  const rate = options.failureRateThreshold;
  return typeof rate === 'number' ? rate : false;
}

/**
 * The shared window's geometry for a breaker: its time window, or the default 60 s in 10 buckets
 * when it counts over a count window (allowed with a store only without rate rules).
 * @returns `duration` and `width` (one bucket) in ms, and the bucket count.
 */
export function sharedWindow(options: ResolvedOptions): { duration: number; buckets: number; width: number } {
  const window = options.window;
  const duration = window.type === 'time' ? window.duration : 60_000;
  const buckets = window.type === 'time' ? window.buckets : 10;
  return { duration, buckets, width: Math.max(1, Math.floor(duration / buckets)) };
}
