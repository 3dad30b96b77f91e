import { LatencyHistogram } from '../window/LatencyHistogram.js';

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
  /** Wall-clock ms of the last failure, or `null`. */
  lastFailureAt: number | null = null;
  /** The last failure as thrown; stringified only when a snapshot asks. */
  lastError: unknown = undefined;
  hasFailed = false;
  readonly latency = new LatencyHistogram();

  get total(): number {
    return this.successful + this.failed + this.rejected + this.ignored;
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
    this.lastFailureAt = null;
    this.lastError = undefined;
    this.hasFailed = false;
    this.latency.clear();
  }
}
