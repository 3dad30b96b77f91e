import type { CircuitBreakerMetrics } from '../metrics.js';
import type { BreakerCore } from './BreakerCore.js';

/** @internal The `metrics()` snapshot of a breaker, applying any transition that is due first. */
export function metricsSnapshot(core: BreakerCore): CircuitBreakerMetrics {
  core.refresh();
  const { stats, rules } = core;
  const { calls, failures, slowCalls } = rules.counts();
  const { openedAt, retryAt } = core.openTimes();
  return {
    name: core.name,
    state: core.state,
    totalCalls: stats.total,
    successfulCalls: stats.successful,
    failedCalls: stats.failed,
    rejectedCalls: stats.rejected,
    ignoredCalls: stats.ignored,
    timeouts: stats.timeouts,
    slowCalls: stats.slow,
    fallbacks: stats.fallbacks,
    inFlight: core.inFlight,
    consecutiveFailures: rules.consecutiveFailures,
    failureRate: calls === 0 ? 0 : failures / calls,
    successRate: calls === 0 ? 0 : (calls - failures) / calls,
    slowCallRate: calls === 0 ? 0 : slowCalls / calls,
    windowCalls: calls,
    latency: stats.latency(),
    lastFailureAt: core.lastFailureAt(),
    lastError: stats.lastErrorMessage(),
    stateTransitions: stats.transitions,
    transitions: stats.transitionCounts(),
    openedAt,
    retryAt,
  };
}
