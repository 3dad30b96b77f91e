import { type CircuitBreaker, observeResets } from '../CircuitBreaker.js';
import type { CircuitBreakerMetrics } from '../metrics.js';
import type { LatencyHistogramSnapshot } from '../window/LatencyHistogram.js';
import { GroupTotals } from './GroupTotals.js';
import type { KeyedGroupTotals } from './KeyedBreakers.js';

/** What registered breakers counted before their resets, by breaker. */
const kept = new WeakMap<CircuitBreaker, GroupTotals>();

/**
 * @internal Keeps what `breaker` counts across its resets (a local `reset()` or one the fleet
 * sends): from now on its {@link cumulativeOf} figures never go down. A registry calls it for the
 * breakers it registers by name (a keyed group keeps its own totals).
 */
export function keepCumulative(breaker: CircuitBreaker): void {
  if (kept.has(breaker)) return;
  const totals = new GroupTotals();
  kept.set(breaker, totals);
  observeResets(breaker, totals);
}

/** @internal Stops keeping `breaker`'s counts (it left the registry). */
export function dropCumulative(breaker: CircuitBreaker): void {
  if (!kept.delete(breaker)) return;
  observeResets(breaker, undefined);
}

/** A breaker's figures for exporters: its `metrics()` now, and its counters since it was kept. */
export interface CumulativeReading {
  readonly metrics: CircuitBreakerMetrics;
  /** Counters and transitions since it was kept, resets included (a reset is a transition to closed). */
  readonly totals: KeyedGroupTotals;
  /** Its latency histogram since it was kept. */
  readonly latency: LatencyHistogramSnapshot;
}

/**
 * @internal A breaker's counters since it was kept (since creation otherwise): monotonic through
 * resets, which exporters need of a counter.
 */
export function cumulativeOf(breaker: CircuitBreaker): CumulativeReading {
  const metrics = breaker.metrics();
  const totals = kept.get(breaker);
  if (totals === undefined) {
    return { metrics, totals: metrics, latency: breaker.latencyHistogram() };
  }
  return { metrics, ...totals.with([breaker]) };
}
