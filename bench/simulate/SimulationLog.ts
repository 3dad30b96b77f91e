/**
 * What one simulated run recorded: every client call, every state change of the breaker, every
 * probe. The measures (measures.ts) are computed from this log alone.
 */
export interface SimulationLog {
  /** Whether the variant had a breaker (detection and state measures apply). */
  readonly breaker: boolean;
  /** Every client call, in arrival order. */
  readonly calls: CallRecord[];
  /** Every state change of the breaker, in order. */
  readonly transitions: TransitionRecord[];
  /** Every probe the breaker ran (they are not client calls). */
  readonly probes: ProbeRecord[];
  /** Requests the dependency received during the fault: every attempt (retries included), no probe. */
  sentInFault: number;
}

/**
 * How a client call ended:
 * - `success`: answered in time without an error (goodput);
 * - `error`: answered in time with one of the dependency's normal errors;
 * - `timeout`: answered after the client's timeout (the client gave up);
 * - `busy`: refused by the dependency's full queue;
 * - `down`: no answer, the dependency was down (the client's timeout ended it);
 * - `refused`: refused by an open (or half-open, full) breaker, served by the fallback;
 * - `throttled`: refused by a closed breaker's throttle, served by the fallback;
 * - `limited`: refused by the breaker's concurrency limit (fixed or adaptive), served by the fallback.
 */
export type CallOutcome =
  | 'success'
  | 'error'
  | 'timeout'
  | 'busy'
  | 'down'
  | 'refused'
  | 'throttled'
  | 'limited';

/** One client call (with retries: the call as its client sees it, over all its attempts). */
export interface CallRecord {
  /** When it arrived, in ms of simulated time. */
  readonly at: number;
  /** Ms the client waited for its outcome (0 for a refusal: the fallback answers at once). */
  readonly latency: number;
  readonly outcome: CallOutcome;
  /** Whether the dependency was healthy when it arrived (no fault, and it could answer in time). */
  readonly healthy: boolean;
}

/** One state change of the breaker. */
export interface TransitionRecord {
  readonly at: number;
  readonly from: string;
  readonly to: string;
  /** Whether the dependency was healthy at that moment. */
  readonly healthy: boolean;
}

/** One probe the breaker ran. */
export interface ProbeRecord {
  readonly at: number;
  /** Whether the dependency answered it in time without an error. */
  readonly ok: boolean;
}

/** The outcomes that mean the call was sent to a dependency that could not serve it. */
export function isWasted(outcome: CallOutcome): boolean {
  return outcome === 'timeout' || outcome === 'busy' || outcome === 'down';
}

/** The outcomes a breaker produced itself (the fallback answered). */
export function isRefused(outcome: CallOutcome): boolean {
  return outcome === 'refused' || outcome === 'throttled' || outcome === 'limited';
}
