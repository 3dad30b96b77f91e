import { existingKeyedCalls } from '../cache/KeyedCalls.js';
import type { Clock } from '../clock/Clock.js';
import type {
  AdaptiveThresholdMetrics,
  CacheMetrics,
  CircuitBreakerMetrics,
  CoalesceMetrics,
  ThrottleMetrics,
} from '../metrics.js';
import { rate } from '../window/rate.js';
import type { Automaton } from './Automaton.js';
import type { Engine } from './Engine.js';
import type { Throttle } from './Throttle.js';

/**
 * @internal The `metrics()` snapshot of a breaker, after applying any transition that is due: its
 * recorder's totals, its window's counts and rates, its open period, and what adaptive protection
 * has learned (`null` for what is not configured).
 */
export function metricsSnapshot(engine: Engine): CircuitBreakerMetrics {
  const { automaton, recorder } = engine;
  automaton.refresh();
  const { calls, failures, slowCalls } = automaton.rules.counts(automaton.counting, engine.options);
  const { openedAt, retryAt, openReason, openedBy } = automaton.openTimes();
  return {
    name: engine.name,
    state: automaton.state,
    totalCalls: recorder.total,
    successfulCalls: recorder.successful,
    failedCalls: recorder.failed,
    rejectedCalls: recorder.rejected,
    ignoredCalls: recorder.ignored,
    timeouts: recorder.timeouts,
    slowCalls: recorder.slow,
    fallbacks: recorder.fallbacks,
    inFlight: engine.inFlight,
    consecutiveFailures: automaton.rules.consecutiveFailures,
    failureRate: rate(failures, calls),
    successRate: rate(calls - failures, calls),
    slowCallRate: rate(slowCalls, calls),
    windowCalls: calls,
    latency: recorder.latency(),
    lastFailureAt: recorder.lastFailureAt(),
    lastError: recorder.lastErrorMessage(),
    stateTransitions: recorder.transitions,
    transitions: recorder.transitionCounts(),
    openedAt,
    retryAt,
    openReason,
    openedBy,
    adaptive: adaptiveMetrics(automaton),
    throttle: throttleMetrics(engine.throttle, engine.clock),
    ...keyedMetrics(engine),
  };
}

const NO_KEYED_CALLS = { hits: 0, misses: 0, size: 0, inFlight: 0 };

/** The cache's and coalescing's figures; `null` for what is not configured. */
function keyedMetrics(engine: Engine): { cache: CacheMetrics | null; coalesce: CoalesceMetrics | null } {
  const { cache, coalesce } = engine.options;
  if (cache === undefined && coalesce === undefined) return { cache: null, coalesce: null };
  const keyed = existingKeyedCalls(engine);
  const c = keyed?.cache ?? NO_KEYED_CALLS;
  const f = keyed?.coalescer ?? NO_KEYED_CALLS;
  return {
    cache: cache === undefined ? null : { hits: c.hits, misses: c.misses, size: c.size },
    coalesce: coalesce === undefined ? null : { hits: f.hits, misses: f.misses, inFlight: f.inFlight },
  };
}

/** What the adaptive rule has learned; `null` without one. */
function adaptiveMetrics(automaton: Automaton): AdaptiveThresholdMetrics | null {
  const adaptive = automaton.rules.adaptive;
  if (adaptive === undefined) return null;
  return {
    baseline: adaptive.baseline,
    threshold: adaptive.threshold(automaton.rules.calls),
    learned: adaptive.learned,
    alarm: adaptive.alarm,
  };
}

/** What the throttle counts now; `null` without one. */
function throttleMetrics(throttle: Throttle | undefined, clock: Clock): ThrottleMetrics | null {
  if (throttle === undefined) return null;
  const now = clock.now();
  return { rejectionProbability: throttle.probability(now), ...throttle.counts(now) };
}
