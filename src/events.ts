import type { CircuitState } from './CircuitState.js';

/** Why a call was refused without calling the protected function. */
export type RejectionReason =
  | 'open'
  | 'half_open_full'
  | 'forced_open'
  | 'bulkhead'
  | 'disposed'
  | 'throttled';

/** Why the breaker changed state. */
export type TransitionReason =
  | 'failure_threshold'
  | 'failure_rate'
  | 'slow_call_rate'
  | 'reset_timeout'
  | 'trial_succeeded'
  | 'trial_failed'
  | 'half_open_timeout'
  | 'manual_open'
  | 'force_open'
  | 'force_close'
  | 'reset'
  | 'remote'
  | 'restored';

/** Every event a breaker emits, with its payload. Every payload carries the breaker's `name`. */
export interface CircuitBreakerEvents {
  /** Any transition, forced states included. */
  stateChange: { name: string; from: CircuitState; to: CircuitState; reason: TransitionReason };
  /**
   * The breaker opened; calls are refused for `retryAfter` ms. `reason` is the rule that tripped it
   * here (`failure_rate`, `trial_failed`, ...) or `'remote'` when it followed the fleet; `openedBy`
   * is then the instance whose decision opened the fleet (a store's instance id), else `null`.
   */
  open: { name: string; retryAfter: number; reason: TransitionReason; openedBy: string | null };
  /** The open period ended; trial calls are admitted. */
  halfOpen: { name: string };
  /** The breaker closed. */
  close: { name: string };
  /** A call succeeded; `duration` in ms. */
  success: { name: string; duration: number };
  /** A call failed (timeouts included); `duration` in ms. */
  failure: { name: string; error: unknown; duration: number };
  /** A call's error was classified as not a failure (or the caller aborted). */
  ignored: { name: string; error: unknown };
  /** A call was refused without calling the function. */
  rejected: { name: string; reason: RejectionReason };
  /** A call exceeded its timeout. */
  timeout: { name: string; timeout: number };
  /** A fallback ran instead of rejecting. */
  fallback: { name: string; error: unknown };
  /** A call took longer than `slowCallDuration`. */
  slowCall: { name: string; duration: number };
  /**
   * A latency measurement fed the histogram (`duration` in ms). It follows the sampling of
   * `latencySampling`: listening does not make every call timed, unlike `success` and `failure`.
   * For exporters that keep a histogram of their own.
   */
  latencySample: { name: string; duration: number };
  /** The breaker's store failed (Redis unreachable, a script refused); the breaker goes on locally. */
  storeError: { name: string; error: unknown };
  /** A call with a key was served from the cache (`cache` option) without calling the function. */
  cacheHit: { name: string; key: string };
  /** A call with a key found no fresh value in the cache. */
  cacheMiss: { name: string; key: string };
  /** A call with a key joined the call in flight with the same key (`coalesce` option). */
  coalesceHit: { name: string; key: string };
  /** A call with a key found no call in flight to join, and made its own. */
  coalesceMiss: { name: string; key: string };
}

/** The name of a breaker event. */
export type CircuitBreakerEventName = keyof CircuitBreakerEvents;

/** A listener of one event. */
export type Listener<T> = (payload: T) => void;
