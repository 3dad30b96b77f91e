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
  stateChange: {
    /** The breaker's name. */
    name: string;
    /** The state it left. */
    from: CircuitState;
    /** The state it entered. */
    to: CircuitState;
    /** Why. */
    reason: TransitionReason;
  };
  /**
   * The breaker opened; calls are refused for `retryAfter` ms. `reason` is the rule that tripped it
   * here (`failure_rate`, `trial_failed`, ...) or `'remote'` when it followed the fleet; `openedBy`
   * is then the instance whose decision opened the fleet (a store's instance id), else `null`.
   */
  open: {
    /** The breaker's name. */
    name: string;
    /** Ms until trial calls are admitted. */
    retryAfter: number;
    /** The rule that tripped it, or `'remote'`. */
    reason: TransitionReason;
    /** With a store: the instance whose decision opened the fleet; else `null`. */
    openedBy: string | null;
  };
  /** The open period ended; trial calls are admitted. */
  halfOpen: {
    /** The breaker's name. */
    name: string;
  };
  /** The breaker closed. */
  close: {
    /** The breaker's name. */
    name: string;
  };
  /** A call succeeded; `duration` in ms. */
  success: {
    /** The breaker's name. */
    name: string;
    /** Ms the call took. */
    duration: number;
  };
  /** A call failed (timeouts included); `duration` in ms. */
  failure: {
    /** The breaker's name. */
    name: string;
    /** What the call threw (a `CircuitBreakerTimeoutError` for a timeout). */
    error: unknown;
    /** Ms the call took. */
    duration: number;
  };
  /** A call's error was classified as not a failure (or the caller aborted). */
  ignored: {
    /** The breaker's name. */
    name: string;
    /** The error that did not count (or the caller's abort reason). */
    error: unknown;
  };
  /** A call was refused without calling the function. */
  rejected: {
    /** The breaker's name. */
    name: string;
    /** Why the call was refused. */
    reason: RejectionReason;
  };
  /** A call exceeded its timeout. */
  timeout: {
    /** The breaker's name. */
    name: string;
    /** The timeout the call exceeded, in ms. */
    timeout: number;
  };
  /** A fallback ran instead of rejecting. */
  fallback: {
    /** The breaker's name. */
    name: string;
    /** Why the fallback ran: the call's error, or the breaker's refusal. */
    error: unknown;
  };
  /** A call took longer than `slowCallDuration`. */
  slowCall: {
    /** The breaker's name. */
    name: string;
    /** Ms the call took. */
    duration: number;
  };
  /**
   * A latency measurement fed the histogram (`duration` in ms). It follows the sampling of
   * `latencySampling`: listening does not make every call timed, unlike `success` and `failure`.
   * For exporters that keep a histogram of their own.
   */
  latencySample: {
    /** The breaker's name. */
    name: string;
    /** The measured duration, in ms. */
    duration: number;
  };
  /** The breaker's store failed (Redis unreachable, a script refused); the breaker goes on locally. */
  storeError: {
    /** The breaker's name. */
    name: string;
    /** What the store reported. */
    error: unknown;
  };
  /** A call with a key was served from the cache (`cache` option) without calling the function. */
  cacheHit: {
    /** The breaker's name. */
    name: string;
    /** The call's key. */
    key: string;
  };
  /** A call with a key found no fresh value in the cache. */
  cacheMiss: {
    /** The breaker's name. */
    name: string;
    /** The call's key. */
    key: string;
  };
  /** A call with a key joined the call in flight with the same key (`coalesce` option). */
  coalesceHit: {
    /** The breaker's name. */
    name: string;
    /** The call's key. */
    key: string;
  };
  /** A call with a key found no call in flight to join, and made its own. */
  coalesceMiss: {
    /** The breaker's name. */
    name: string;
    /** The call's key. */
    key: string;
  };
}

/** The name of a breaker event. */
export type CircuitBreakerEventName = keyof CircuitBreakerEvents;

/** A listener of one event. */
export type Listener<T> = (payload: T) => void;
