import type { CircuitBreaker } from '../CircuitBreaker.js';
import type { CircuitState } from '../CircuitState.js';
import type { CircuitBreakerMetrics } from '../metrics.js';

/** Overall health: `degraded` while any breaker refuses or tests, `unhealthy` while a critical one does. */
export type HealthStatus = 'healthy' | 'degraded' | 'unhealthy';

/** One breaker in {@link RegistryHealth}. Window figures are frozen while the breaker is open. */
export interface BreakerHealth {
  /** The breaker's state. */
  readonly state: CircuitState;
  /** Failures in the window. */
  readonly failureCount: number;
  /** Failures / calls in the window (0 when it is empty). */
  readonly failureRate: number;
}

/** A keyed group in {@link RegistryHealth}: one entry, whatever the number of keys. */
export interface KeyedGroupHealth {
  /** The group's worst state: forced_open > open > half_open > forced_closed > closed. */
  readonly state: CircuitState;
  /** Breakers the group holds. */
  readonly keys: number;
  /** Breakers open or forced open. */
  readonly open: number;
}

/** What `registry.health()` returns (the body of `GET /health` in `breakwater/http`). */
export interface RegistryHealth {
  /** `healthy`, `degraded` (a breaker not closed) or `unhealthy` (a critical one open). */
  readonly status: HealthStatus;
  /** By breaker name, and by group name for keyed groups. */
  readonly breakers: Readonly<Record<string, BreakerHealth | KeyedGroupHealth>>;
}

/** One breaker in `registry.statuses()`. */
export interface BreakerStatus {
  /** The breaker's name. */
  readonly name: string;
  /** Its state. */
  readonly state: CircuitState;
  /** Would a call be admitted now. */
  readonly isAvailable: boolean;
  /** Failures / calls in the window. */
  readonly failureRate: number;
  /** Its `metrics()`. */
  readonly metrics: CircuitBreakerMetrics;
  /** For a breaker of a keyed group: the group's name. */
  readonly group?: string;
}

const SEVERITY: Readonly<Record<CircuitState, number>> = {
  closed: 0,
  forced_closed: 1,
  half_open: 2,
  open: 3,
  forced_open: 4,
};

/** @internal The worst state that has at least one breaker in `states` (a keyed group's breakers per state). */
export function worstState(states: Readonly<Record<CircuitState, number>>): CircuitState {
  let worst: CircuitState = 'closed';
  for (const state of Object.keys(SEVERITY) as CircuitState[]) {
    if (states[state] > 0 && SEVERITY[state] > SEVERITY[worst]) worst = state;
  }
  return worst;
}

/** @internal The worse of two states (forced_open > open > half_open > forced_closed > closed). */
export function worseState(a: CircuitState, b: CircuitState): CircuitState {
  return SEVERITY[b] > SEVERITY[a] ? b : a;
}

/** @internal Whether a breaker in `state` makes the service degraded (or unhealthy if critical). */
export function isDegraded(state: CircuitState): boolean {
  return state === 'open' || state === 'half_open' || state === 'forced_open';
}

/** @internal The health entry of one breaker. */
export function breakerHealth(breaker: CircuitBreaker): BreakerHealth {
  const m = breaker.metrics();
  return {
    state: m.state,
    failureCount: Math.round(m.failureRate * m.windowCalls),
    failureRate: m.failureRate,
  };
}

/** @internal The health entry of a keyed group. */
export function groupHealth(breakers: Iterable<CircuitBreaker>): KeyedGroupHealth {
  let state: CircuitState = 'closed';
  let keys = 0;
  let open = 0;
  for (const breaker of breakers) {
    const s = breaker.state;
    keys++;
    if (s === 'open' || s === 'forced_open') open++;
    state = worseState(state, s);
  }
  return { state, keys, open };
}

/** @internal The status entry of one breaker. */
export function breakerStatus(breaker: CircuitBreaker, group?: string): BreakerStatus {
  const metrics = breaker.metrics();
  const status = {
    name: breaker.name,
    state: metrics.state,
    isAvailable: breaker.isAvailable(),
    failureRate: metrics.failureRate,
    metrics,
  };
  return group === undefined ? status : { ...status, group };
}
