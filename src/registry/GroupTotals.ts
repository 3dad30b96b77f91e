import type { CircuitBreaker } from '../CircuitBreaker.js';
import type { CircuitState } from '../CircuitState.js';
import type { CircuitBreakerMetrics, TransitionCounts } from '../metrics.js';
import type { LatencyHistogramSnapshot } from '../window/LatencyHistogram.js';
import { LATENCY_BOUNDS } from '../window/LatencyHistogram.js';
import type { KeyedGroupTotals } from './KeyedBreakers.js';

type Counter = Exclude<keyof KeyedGroupTotals, 'transitions'>;
const COUNTERS: readonly Counter[] = [
  'totalCalls',
  'successfulCalls',
  'failedCalls',
  'rejectedCalls',
  'ignoredCalls',
  'timeouts',
  'slowCalls',
  'fallbacks',
  'stateTransitions',
];

type MutableTransitions = Partial<Record<CircuitState, Partial<Record<CircuitState, number>>>>;

/**
 * @internal Sums of counters and latency histograms, for a keyed group (or one registered breaker).
 * It holds what members that are gone (evicted, deleted) or were reset had counted, resets counted
 * as transitions, so that the figures, which add the live members to these, never go down:
 * exporters read them as counters.
 */
export class GroupTotals {
  readonly #counts: Record<Counter, number> = {
    totalCalls: 0,
    successfulCalls: 0,
    failedCalls: 0,
    rejectedCalls: 0,
    ignoredCalls: 0,
    timeouts: 0,
    slowCalls: 0,
    fallbacks: 0,
    stateTransitions: 0,
  };
  #transitions: MutableTransitions = {};
  #latency: { counts: number[]; count: number; sum: number; max: number } | undefined = undefined;

  /** Adds what a member has counted so far (before it is reset or disposed). */
  retire(metrics: CircuitBreakerMetrics, histogram: LatencyHistogramSnapshot): void {
    for (const key of COUNTERS) this.#counts[key] += metrics[key];
    addTransitions(this.#transitions, metrics.transitions);
    if (histogram.count > 0) this.#latency = addHistogram(this.#latency, histogram);
  }

  /**
   * A member is being reset: what it counted, and the reset itself as a transition from its state to
   * closed (none from closed), which its own counts never hold.
   */
  reset(metrics: CircuitBreakerMetrics, histogram: LatencyHistogramSnapshot): void {
    this.retire(metrics, histogram);
    if (metrics.state === 'closed') return;
    this.#counts.stateTransitions++;
    addTransitions(this.#transitions, { [metrics.state]: { closed: 1 } });
  }

  /** These totals plus the live members'. */
  with(members: Iterable<CircuitBreaker>): {
    totals: KeyedGroupTotals;
    latency: LatencyHistogramSnapshot;
  } {
    const counts = { ...this.#counts };
    const transitions = copyTransitions(this.#transitions);
    let latency =
      this.#latency === undefined ? undefined : { ...this.#latency, counts: [...this.#latency.counts] };
    for (const breaker of members) {
      const metrics = breaker.metrics();
      for (const key of COUNTERS) counts[key] += metrics[key];
      addTransitions(transitions, metrics.transitions);
      const histogram = breaker.latencyHistogram();
      if (histogram.count > 0) latency = addHistogram(latency, histogram);
    }
    return {
      totals: { ...counts, transitions },
      latency: {
        bounds: LATENCY_BOUNDS,
        counts: latency?.counts ?? new Array<number>(LATENCY_BOUNDS.length).fill(0),
        count: latency?.count ?? 0,
        sum: latency?.sum ?? 0,
        max: latency?.max ?? 0,
      },
    };
  }
}

function addTransitions(into: MutableTransitions, from: TransitionCounts): void {
  for (const [source, targets] of Object.entries(from) as [CircuitState, Record<CircuitState, number>][]) {
    const row = (into[source] ??= {});
    for (const [target, n] of Object.entries(targets) as [CircuitState, number][]) {
      row[target] = (row[target] ?? 0) + n;
    }
  }
}

function copyTransitions(transitions: MutableTransitions): MutableTransitions {
  const copy: MutableTransitions = {};
  addTransitions(copy, transitions);
  return copy;
}

function addHistogram(
  into: { counts: number[]; count: number; sum: number; max: number } | undefined,
  histogram: LatencyHistogramSnapshot,
): { counts: number[]; count: number; sum: number; max: number } {
  const target = into ?? {
    counts: new Array<number>(histogram.counts.length).fill(0),
    count: 0,
    sum: 0,
    max: 0,
  };
  for (let i = 0; i < histogram.counts.length; i++) target.counts[i]! += histogram.counts[i]!;
  target.count += histogram.count;
  target.sum += histogram.sum;
  if (histogram.max > target.max) target.max = histogram.max;
  return target;
}
