import type { CircuitBreaker } from '../CircuitBreaker.js';
import type { CircuitState } from '../CircuitState.js';
import type { CircuitBreakerMetrics } from '../metrics.js';
import { worstState } from '../registry/health.js';
import type { KeyedGroupStatus, KeyedGroupTotals } from '../registry/KeyedBreakers.js';
import type { FleetStatus } from '../store/StateStore.js';
import type { LatencySummary } from '../window/LatencyHistogram.js';
import { histogramQuantile } from './histogramQuantile.js';

/**
 * A breaker in `GET /breakers` and `GET /breakers/:name`. `metrics` is `breaker.metrics()`, with
 * `lastError` only for a request carrying the token (a message may hold a connection string).
 */
export interface BreakerView {
  /** A breaker registered by name, or a keyed group's member. */
  readonly kind: 'breaker';
  /** Its name. */
  readonly name: string;
  /** For a breaker of a keyed group: the group's name. */
  readonly group?: string;
  /** Its state. */
  readonly state: CircuitState;
  /** Created with `critical: true`. */
  readonly critical: boolean;
  /** Would a call be admitted now. */
  readonly isAvailable: boolean;
  /** Its `metrics()`; `lastError` only for a request carrying the token. */
  readonly metrics: Omit<CircuitBreakerMetrics, 'lastError'> & {
    /** The last failure's message (only with the token). */
    readonly lastError?: string | null;
  };
}

/** A keyed group as one entry in `GET /breakers` and `GET /breakers/:group`. */
export interface GroupView {
  /** A keyed group. */
  readonly kind: 'group';
  /** The group's name. */
  readonly name: string;
  /** Its worst state: forced_open > open > half_open > forced_closed > closed. */
  readonly state: CircuitState;
  /** Created with `critical: true`. */
  readonly critical: boolean;
  /** Breakers it holds. */
  readonly keys: number;
  /** Its breakers per state. */
  readonly states: Readonly<Record<CircuitState, number>>;
  /** Names of its breakers that are not closed. */
  readonly notClosed: readonly string[];
  /** Counters summed over its members, monotonic through evictions and resets. */
  readonly totals: KeyedGroupTotals;
  /** Its live members' windows, summed. */
  readonly window: KeyedGroupStatus['window'];
  /** Failures / calls over those windows (0 when empty). */
  readonly failureRate: number;
  /** From its members' latency histograms added up. */
  readonly latency: LatencySummary;
}

/** A breaker as the fleet shares it (`createFleetHandler`): the store's {@link FleetStatus}. */
export interface FleetView extends FleetStatus {
  /** A breaker as the fleet shares it. */
  readonly kind: 'fleet';
}

/** Any entry of `GET /breakers/:name`. */
export type AdminView = BreakerView | GroupView | FleetView;

/** The body of `GET /breakers`: breakers by name, and each keyed group as one entry. */
export interface BreakerList {
  /** The breakers registered by name (or, for a fleet, every shared breaker). */
  readonly breakers: readonly (BreakerView | FleetView)[];
  /** Each keyed group as one entry. */
  readonly groups: readonly GroupView[];
}

/**
 * @internal The view of one breaker.
 * @param reveal - Whether the request carries the token (then `lastError` is included).
 */
export function breakerView(
  breaker: CircuitBreaker,
  group: string | undefined,
  reveal: boolean,
): BreakerView {
  const { lastError, ...metrics } = breaker.metrics();
  const view = {
    kind: 'breaker' as const,
    name: breaker.name,
    state: metrics.state,
    critical: breaker.options.critical,
    isAvailable: breaker.isAvailable(),
    metrics: reveal ? { ...metrics, lastError } : metrics,
  };
  return group === undefined ? view : { ...view, group };
}

/** @internal The view of a keyed group. */
export function groupView(status: KeyedGroupStatus): GroupView {
  const { latency } = status;
  const quantile = (q: number): number =>
    histogramQuantile(latency.bounds, latency.counts, latency.count, q, latency.max) ?? 0;
  return {
    kind: 'group',
    name: status.name,
    state: worstState(status.states),
    critical: status.critical,
    keys: status.keys,
    states: status.states,
    notClosed: status.notClosed,
    totals: status.totals,
    window: status.window,
    failureRate: status.failureRate,
    latency: {
      mean: latency.count === 0 ? 0 : latency.sum / latency.count,
      p50: quantile(0.5),
      p90: quantile(0.9),
      p99: quantile(0.99),
      max: latency.max,
    },
  };
}

/** @internal The view of a fleet breaker. */
export function fleetView(status: FleetStatus): FleetView {
  return { kind: 'fleet', ...status };
}
