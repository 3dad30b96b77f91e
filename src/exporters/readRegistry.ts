import type {
  CircuitBreakerRegistry,
  CircuitState,
  KeyedGroupStatus,
  LatencyHistogramSnapshot,
  TransitionCounts,
} from '../index.js';
import { cumulativeOf } from '../registry/cumulative.js';
import { worstState } from '../registry/health.js';

/** @internal The five states, in the order exporters list them. */
export const STATES: readonly CircuitState[] = Object.freeze([
  'closed',
  'open',
  'half_open',
  'forced_open',
  'forced_closed',
]);

/** @internal How a call ended, as exporters label it: every call counts under exactly one. */
export type Outcome = 'success' | 'failure' | 'timeout' | 'rejected' | 'ignored';

/** @internal The outcomes, in the order exporters list them. */
export const OUTCOMES: readonly Outcome[] = Object.freeze([
  'success',
  'failure',
  'timeout',
  'rejected',
  'ignored',
]);

/**
 * @internal The transitions exported even before they happen (with 0), so that the first trip of a
 * breaker is an increase of a series that already exists (Prometheus' `increase()` cannot see the
 * first sample of a new series). Others appear once they have happened.
 */
export const USUAL_TRANSITIONS: readonly (readonly [CircuitState, CircuitState])[] = Object.freeze([
  ['closed', 'open'],
  ['open', 'half_open'],
  ['half_open', 'closed'],
  ['half_open', 'open'],
]);

/** @internal One exported entry: a breaker registered by name, or a keyed group as a whole. */
export interface BreakerReading {
  /** The breaker's name, or the group's. */
  readonly name: string;
  /** The breaker's state; a group's worst (forced_open > open > half_open > forced_closed > closed). */
  readonly state: CircuitState;
  /** For a keyed group, its breakers per state; `undefined` for a breaker. */
  readonly members: Readonly<Record<CircuitState, number>> | undefined;
  /** Calls by outcome since the breaker joined the registry: monotonic through resets and evictions. */
  readonly calls: Readonly<Record<Outcome, number>>;
  readonly slowCalls: number;
  readonly fallbacks: number;
  /** Failures / calls in the window (a group's: over its members' windows). */
  readonly failureRate: number;
  /** Transitions since it joined the registry, a reset counted as one (from its state to closed). */
  readonly transitions: TransitionCounts;
  /** The latency histogram (since it joined the registry), when asked for. */
  readonly latency: LatencyHistogramSnapshot | undefined;
}

/**
 * @internal Reads every exported entry of a registry now, from what its breakers keep: one per
 * breaker registered by name, one per keyed group whatever its size.
 * @param registry - The registry.
 * @param latency - Whether to copy the latency histograms (the Prometheus exporter needs them).
 * @returns The entries, breakers first, then groups.
 */
export function readRegistry(registry: CircuitBreakerRegistry, latency: boolean): BreakerReading[] {
  const readings: BreakerReading[] = [];
  for (const breaker of registry.registered()) {
    const { metrics: m, totals, latency: histogram } = cumulativeOf(breaker);
    readings.push({
      name: m.name,
      state: m.state,
      members: undefined,
      calls: {
        success: totals.successfulCalls,
        failure: totals.failedCalls - totals.timeouts,
        timeout: totals.timeouts,
        rejected: totals.rejectedCalls,
        ignored: totals.ignoredCalls,
      },
      slowCalls: totals.slowCalls,
      fallbacks: totals.fallbacks,
      failureRate: m.failureRate,
      transitions: totals.transitions,
      latency: latency ? histogram : undefined,
    });
  }
  for (const group of registry.groups()) readings.push(groupReading(group, latency));
  return readings;
}

function groupReading(group: KeyedGroupStatus, latency: boolean): BreakerReading {
  const { totals } = group;
  return {
    name: group.name,
    state: worstState(group.states),
    members: group.states,
    calls: {
      success: totals.successfulCalls,
      failure: totals.failedCalls - totals.timeouts,
      timeout: totals.timeouts,
      rejected: totals.rejectedCalls,
      ignored: totals.ignoredCalls,
    },
    slowCalls: totals.slowCalls,
    fallbacks: totals.fallbacks,
    failureRate: group.failureRate,
    transitions: totals.transitions,
    latency: latency ? group.latency : undefined,
  };
}

/**
 * @internal Each transition with its count: the usual ones always (0 until they happen), the others
 * once they have happened.
 */
export function* transitionCounts(
  transitions: TransitionCounts,
): Generator<readonly [from: CircuitState, to: CircuitState, count: number]> {
  for (const [from, to] of USUAL_TRANSITIONS) yield [from, to, transitions[from]?.[to] ?? 0];
  for (const from of STATES) {
    const row = transitions[from];
    if (row === undefined) continue;
    for (const to of STATES) {
      const count = row[to];
      if (count === undefined || isUsual(from, to)) continue;
      yield [from, to, count];
    }
  }
}

function isUsual(from: CircuitState, to: CircuitState): boolean {
  return USUAL_TRANSITIONS.some(([f, t]) => f === from && t === to);
}
