import { type CircuitBreaker, observeResets } from '../CircuitBreaker.js';
import type { CircuitBreakerMetrics } from '../metrics.js';
import type { ResetOwner } from '../options/sharedOptions.js';
import type { LatencyHistogramSnapshot } from '../window/LatencyHistogram.js';
import { GroupTotals } from './GroupTotals.js';
import type { KeyedGroupTotals } from './KeyedBreakers.js';

/** What registered breakers counted before their resets, by breaker: made at a breaker's first reset. */
const kept = new WeakMap<CircuitBreaker, GroupTotals>();

/**
 * Told of a registered breaker's resets: one small object per breaker until its first reset, which
 * makes its totals (a breaker never reset needs none: its own counts are its cumulative ones).
 */
class ResetKeeper implements ResetOwner {
  readonly #breaker: CircuitBreaker;

  constructor(breaker: CircuitBreaker) {
    this.#breaker = breaker;
  }

  reset(metrics: CircuitBreakerMetrics, histogram: LatencyHistogramSnapshot): void {
    let totals = kept.get(this.#breaker);
    if (totals === undefined) {
      totals = new GroupTotals();
      kept.set(this.#breaker, totals);
    }
    totals.reset(metrics, histogram);
  }
}

/**
 * @internal Keeps what `breaker` counts across its resets (a local `reset()` or one the fleet
 * sends): from now on its {@link cumulativeOf} figures never go down. A registry calls it for the
 * breakers it registers by name (a keyed group keeps its own totals).
 */
export function keepCumulative(breaker: CircuitBreaker): void {
  observeResets(breaker, new ResetKeeper(breaker));
}

/** @internal Stops keeping `breaker`'s counts (it left the registry). */
export function dropCumulative(breaker: CircuitBreaker): void {
  observeResets(breaker, undefined);
  kept.delete(breaker);
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
 * @param breaker - A breaker of the registry.
 * @returns Its metrics now, and its counters and latency histogram over its resets.
 */
export function cumulativeOf(breaker: CircuitBreaker): CumulativeReading {
  const metrics = breaker.metrics();
  const totals = kept.get(breaker);
  if (totals === undefined) {
    return { metrics, totals: metrics, latency: breaker.latencyHistogram() };
  }
  return { metrics, ...totals.with([breaker]) };
}
