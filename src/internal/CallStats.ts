import type { CircuitState } from '../CircuitState.js';
import type { TransitionCounts } from '../metrics.js';
import {
  LatencyHistogram,
  type LatencyHistogramSnapshot,
  type LatencySummary,
} from '../window/LatencyHistogram.js';

const STATES: readonly CircuitState[] = ['closed', 'open', 'half_open', 'forced_open', 'forced_closed'];
const INDEX: Readonly<Record<CircuitState, number>> = {
  closed: 0,
  open: 1,
  half_open: 2,
  forced_open: 3,
  forced_closed: 4,
};

const NO_LATENCY: LatencySummary = Object.freeze({ mean: 0, p50: 0, p90: 0, p99: 0, max: 0 });
const EMPTY_HISTOGRAM = new LatencyHistogram();

/** @internal Cumulative counters of a breaker, cleared by `reset()`. */
export class CallStats {
  successful = 0;
  failed = 0;
  rejected = 0;
  ignored = 0;
  timeouts = 0;
  slow = 0;
  fallbacks = 0;
  transitions = 0;
  /** The last failure as thrown; stringified only when a snapshot asks. */
  lastError: unknown = undefined;
  hasFailed = false;
  /** Allocated on the first measured call. */
  #latency: LatencyHistogram | undefined = undefined;
  /** Transitions by `from * 5 + to`, allocated on the first transition. */
  #byState: Uint32Array | undefined = undefined;

  countTransition(from: CircuitState, to: CircuitState): void {
    this.transitions++;
    (this.#byState ??= new Uint32Array(25))[INDEX[from] * 5 + INDEX[to]]!++;
  }

  /** Transitions by state (`{ closed: { open: 2 } }`), only pairs that happened. */
  transitionCounts(): TransitionCounts {
    const counts: Partial<Record<CircuitState, Partial<Record<CircuitState, number>>>> = {};
    const byState = this.#byState;
    if (byState === undefined) return counts;
    for (let i = 0; i < 25; i++) {
      const n = byState[i]!;
      if (n === 0) continue;
      const from = STATES[Math.floor(i / 5)]!;
      (counts[from] ??= {})[STATES[i % 5]!] = n;
    }
    return counts;
  }

  latencyHistogram(): LatencyHistogramSnapshot {
    return (this.#latency ?? EMPTY_HISTOGRAM).snapshot();
  }

  get total(): number {
    return this.successful + this.failed + this.rejected + this.ignored;
  }

  recordLatency(ms: number): void {
    (this.#latency ??= new LatencyHistogram()).record(ms);
  }

  latency(): LatencySummary {
    return this.#latency === undefined ? NO_LATENCY : this.#latency.summary();
  }

  lastErrorMessage(): string | null {
    if (!this.hasFailed) return null;
    const error = this.lastError;
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    try {
      return String(error);
    } catch {
      return Object.prototype.toString.call(error);
    }
  }

  clear(): void {
    this.successful = 0;
    this.failed = 0;
    this.rejected = 0;
    this.ignored = 0;
    this.timeouts = 0;
    this.slow = 0;
    this.fallbacks = 0;
    this.transitions = 0;
    this.#byState?.fill(0);
    this.lastError = undefined;
    this.hasFailed = false;
    this.#latency?.clear();
  }
}
