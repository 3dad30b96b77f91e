import type { CircuitState } from '../CircuitState.js';
import type { TransitionReason } from '../events.js';

/**
 * One card of the dashboard in a `tick` of `GET /events`: a breaker, or a keyed group as one entry.
 * Per-tick figures are differences between this tick's sample and the previous one (`null` on the
 * first tick, or where the source has no such figure: a fleet has no latency).
 */
export interface DashboardItem {
  /** The breaker's or group's name. */
  readonly name: string;
  /** `group` for a keyed group. */
  readonly kind: 'breaker' | 'group';
  /** The state (a group's worst: forced_open > open > half_open > forced_closed > closed). */
  readonly state: CircuitState;
  /** Created with `critical: true`. */
  readonly critical: boolean;
  /** Calls per second over the last tick, refused ones included. */
  readonly rate: number | null;
  /** Failed / (successful + failed) calls over the last tick; `null` when none completed. */
  readonly errorRate: number | null;
  /** Calls refused over the last tick. */
  readonly rejected: number | null;
  /**
   * Failures / calls in the breaker's window (what its rules trip on). While open or forced open:
   * the figures that opened it, frozen until it closes.
   */
  readonly failureRate: number;
  /** Calls in the breaker's window (a group: its members' windows, summed). */
  readonly windowCalls: number;
  /** Failures in the breaker's window (timeouts included). */
  readonly failures: number;
  /** Slow calls / calls in the breaker's window. */
  readonly slowCallRate: number;
  /** Failures in a row (what `failureThreshold` trips on); `null` where unknown (a fleet, a group). */
  readonly consecutiveFailures: number | null;
  /**
   * While open or forced open: why it opened (`metrics().openReason`: the rule that tripped it,
   * `trial_failed`, `manual_open`, `force_open`, or `remote` when it followed the fleet); else `null`.
   */
  readonly openReason: TransitionReason | null;
  /** While open: the instance whose decision opened the fleet, when known; else `null`. */
  readonly openedBy: string | null;
  /** Median latency of the calls sampled during the last tick, in ms. */
  readonly p50: number | null;
  /** 99th percentile latency of the calls sampled during the last tick, in ms. */
  readonly p99: number | null;
  /** Ms until an open breaker admits trial calls (at the time of the tick); `null` otherwise. */
  readonly retryIn: number | null;
  /** Calls in flight; `null` when unknown (a fleet). */
  readonly inFlight: number | null;
  /** Why the state last changed, when known (a fleet's breakers; `null` for a registry's). */
  readonly reason: TransitionReason | null;
  /** A group's breakers. */
  readonly keys?: number;
  /** A group's breakers per state. */
  readonly states?: Readonly<Record<CircuitState, number>>;
  /** A group's breakers that refuse calls: open or forced open (the card reads `3 of 20 open`). */
  readonly open?: number;
  /** A group’s breakers that are not closed (the first 12). */
  readonly notClosed?: readonly {
    /** The breaker's name. */
    readonly name: string;
    /** Its state. */
    readonly state: CircuitState;
  }[];
  /** How many of a group's breakers are not closed. */
  readonly notClosedCount?: number;
  /** A fleet breaker's instances reporting. */
  readonly instances?: number;
}

/** Not-closed keys a group's card lists in one tick. */
export const MAX_LISTED_KEYS = 12;

/** The data of a `tick` event of `GET /events`. */
export interface DashboardTick {
  /** Epoch ms of the sample. */
  readonly at: number;
  /** The tick interval in ms. */
  readonly interval: number;
  /** `instance`: one process's registry; `fleet`: a store's shared state. */
  readonly scope: 'instance' | 'fleet';
  /** One per card. */
  readonly items: readonly DashboardItem[];
  /** Set when the source could not be read this time (the items are the last known ones). */
  readonly error?: string;
}

/** The data of a `transition` event of `GET /events`: a breaker changed state. */
export interface DashboardTransition {
  /** The breaker's name. */
  readonly name: string;
  /** The keyed group of the breaker, if any. */
  readonly group?: string;
  /** The state it left. */
  readonly from: CircuitState;
  /** The state it entered. */
  readonly to: CircuitState;
  /** Why. */
  readonly reason: TransitionReason;
  /** Epoch ms when it was seen. */
  readonly at: number;
}
