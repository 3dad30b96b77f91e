import type { CircuitBreaker } from '../CircuitBreaker.js';
import type { CircuitState } from '../CircuitState.js';
import { worstState } from '../registry/health.js';
import type { KeyedGroupStatus } from '../registry/KeyedBreakers.js';
import type { LatencyHistogramSnapshot } from '../window/LatencyHistogram.js';
import { histogramQuantile } from './histogramQuantile.js';
import { type DashboardItem, MAX_LISTED_KEYS } from './protocol.js';

/** The counters of one breaker or group at the previous sample. */
interface Previous {
  at: number;
  total: number;
  successful: number;
  failed: number;
  rejected: number;
  /** The previous histogram's counts (a snapshot is a fresh array: kept, not copied). */
  latency: readonly number[];
  latencyCount: number;
}

/** What a sample needs from a breaker's or a group's cumulative figures. */
interface Counters {
  readonly totalCalls: number;
  readonly successfulCalls: number;
  readonly failedCalls: number;
  readonly rejectedCalls: number;
}

/** The per-tick figures of one breaker or group. */
type TickFigures = Pick<DashboardItem, 'rate' | 'errorRate' | 'rejected' | 'p50' | 'p99'>;

const NO_LATENCY = { p50: null, p99: null } as const;
const NONE: TickFigures = { rate: null, errorRate: null, rejected: null, p50: null, p99: null };

/**
 * @internal Turns successive samples of cumulative figures (counters, latency histograms) into
 * figures per tick: calls per second, the error rate and p50/p99 of the calls of that tick alone,
 * from the difference between two histograms, never the cumulative one. It keeps one previous
 * sample per name (the breaker's counts and a reference to its last histogram), only while a
 * stream is watching; a counter that went down (a `reset()`, a breaker replaced) starts again from 0.
 */
export class TickSampler {
  readonly #previous = new Map<string, Previous>();
  readonly #now: () => number;

  /** @param now - A monotonic clock in ms. */
  constructor(now: () => number = () => performance.now()) {
    this.#now = now;
  }

  /** The dashboard entry of a breaker registered by name. */
  breaker(breaker: CircuitBreaker, seen: Set<string>): DashboardItem {
    const metrics = breaker.metrics();
    const clock = breaker.options.clock;
    const wallNow = clock.wallNow?.() ?? Date.now();
    const retryIn =
      metrics.state === 'open' && metrics.retryAt !== null
        ? Math.max(0, Math.round(metrics.retryAt - wallNow))
        : null;
    seen.add(breaker.name);
    return {
      name: breaker.name,
      kind: 'breaker',
      state: metrics.state,
      critical: breaker.options.critical,
      ...this.#figures(breaker.name, metrics, breaker.latencyHistogram()),
      failureRate: metrics.failureRate,
      windowCalls: metrics.windowCalls,
      failures: Math.round(metrics.failureRate * metrics.windowCalls),
      slowCallRate: metrics.slowCallRate,
      consecutiveFailures: metrics.consecutiveFailures,
      openReason: metrics.openReason,
      openedBy: metrics.openedBy,
      retryIn,
      inFlight: metrics.inFlight,
      reason: null,
    };
  }

  /**
   * The dashboard entry of a keyed group.
   * @param stateOf - The state of one of its breakers by name (for the not-closed keys listed).
   */
  group(
    status: KeyedGroupStatus,
    stateOf: (name: string) => CircuitState | undefined,
    seen: Set<string>,
  ): DashboardItem {
    const notClosed: { name: string; state: CircuitState }[] = [];
    for (const name of status.notClosed) {
      if (notClosed.length === MAX_LISTED_KEYS) break;
      const state = stateOf(name);
      if (state !== undefined && state !== 'closed') notClosed.push({ name, state });
    }
    seen.add(status.name);
    return {
      name: status.name,
      kind: 'group',
      state: worstState(status.states),
      critical: status.critical,
      ...this.#figures(status.name, status.totals, status.latency),
      failureRate: status.failureRate,
      windowCalls: status.window.calls,
      failures: status.window.failures,
      slowCallRate: status.window.calls === 0 ? 0 : status.window.slowCalls / status.window.calls,
      consecutiveFailures: null,
      openReason: null,
      openedBy: null,
      retryIn: null,
      inFlight: null,
      reason: null,
      keys: status.keys,
      states: status.states,
      open: status.states.open + status.states.forced_open,
      notClosed,
      notClosedCount: status.notClosed.length,
    };
  }

  /** Forgets the names not in `seen` (breakers and groups that are gone). */
  prune(seen: Set<string>): void {
    for (const name of this.#previous.keys()) if (!seen.has(name)) this.#previous.delete(name);
  }

  /** Forgets every previous sample. */
  clear(): void {
    this.#previous.clear();
  }

  #figures(name: string, counters: Counters, latency: LatencyHistogramSnapshot): TickFigures {
    const now = this.#now();
    const before = this.#previous.get(name);
    this.#previous.set(name, {
      at: now,
      total: counters.totalCalls,
      successful: counters.successfulCalls,
      failed: counters.failedCalls,
      rejected: counters.rejectedCalls,
      latency: latency.counts,
      latencyCount: latency.count,
    });
    if (before === undefined) return NONE;
    const seconds = Math.max(now - before.at, 1) / 1000;
    // After a reset the counters start again from 0: everything counted since is this tick's.
    const restarted = counters.totalCalls < before.total;
    const since = (current: number, previous: number): number => (restarted ? current : current - previous);
    const successful = since(counters.successfulCalls, before.successful);
    const failed = since(counters.failedCalls, before.failed);
    const completed = successful + failed;
    const latencyRestarted = restarted || latency.count < before.latencyCount;
    return {
      rate: round(since(counters.totalCalls, before.total) / seconds, 100),
      errorRate: completed === 0 ? null : failed / completed,
      rejected: since(counters.rejectedCalls, before.rejected),
      ...(latencyRestarted
        ? latencyOfTick(latency, undefined)
        : latency.count === before.latencyCount
          ? NO_LATENCY
          : latencyOfTick(latency, before.latency)),
    };
  }
}

/** p50 and p99 of the durations recorded since `previous` (all of `latency` without one). */
function latencyOfTick(
  latency: LatencyHistogramSnapshot,
  previous: readonly number[] | undefined,
): { p50: number | null; p99: number | null } {
  const counts = previous === undefined ? latency.counts : latency.counts.map((n, i) => n - previous[i]!);
  let total = 0;
  for (const n of counts) total += n;
  if (total === 0) return { p50: null, p99: null };
  return {
    p50: round(histogramQuantile(latency.bounds, counts, total, 0.5, latency.max)!, 1000),
    p99: round(histogramQuantile(latency.bounds, counts, total, 0.99, latency.max)!, 1000),
  };
}

/** Rounds to 1/`per` (ticks carry figures, not float noise). */
function round(value: number, per: number): number {
  return Math.round(value * per) / per;
}
