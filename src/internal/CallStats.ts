import { LatencyHistogram, type LatencySummary } from '../window/LatencyHistogram.js';

const NO_LATENCY: LatencySummary = Object.freeze({ mean: 0, p50: 0, p90: 0, p99: 0, max: 0 });

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
    this.lastError = undefined;
    this.hasFailed = false;
    this.#latency?.clear();
  }
}
