import type { CircuitState } from '../CircuitState.js';
import type { RejectionReason } from '../events.js';
import type { TransitionCounts } from '../metrics.js';
import {
  LatencyHistogram,
  type LatencyHistogramSnapshot,
  type LatencySummary,
} from '../window/LatencyHistogram.js';
import type { Engine } from './Engine.js';

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

/**
 * @internal What a breaker has counted since it was created or reset: the cumulative totals of
 * `metrics()`, the latency histogram, the transitions by state, the last failure; and how calls are
 * timed (every call when a slow-call rule or a timing listener needs it, else a deterministic
 * sample). It emits the per-call events through the engine's announcer. The engine alone calls it.
 *
 * Fields that hold doubles start as `undefined`, so that an idle breaker allocates no number box.
 */
export class Recorder {
  successful = 0;
  failed = 0;
  rejected = 0;
  ignored = 0;
  timeouts = 0;
  slow = 0;
  fallbacks = 0;
  transitions = 0;
  /** Whether every call is timed (a slow-call rule, or a `success` / `failure` / `slowCall` listener). */
  timeAll: boolean;
  readonly #engine: Engine;
  readonly #slowRule: boolean;
  /** Whether durations are compared with `slowCallDuration` (a slow-call rule or listener). */
  #trackSlow: boolean;
  readonly #sampleEvery: number;
  #sampleCountdown: number;
  /** The last failure as thrown; stringified only when a snapshot asks. */
  #lastError: unknown = undefined;
  #hasFailed = false;
  /** Monotonic ms of the last failure. */
  #lastFailureAt: number | undefined = undefined;
  #latency: LatencyHistogram | undefined = undefined;
  /** Transitions by `from * 5 + to`, allocated on the first transition. */
  #byState: Uint32Array | undefined = undefined;

  constructor(engine: Engine) {
    const options = engine.options;
    this.#engine = engine;
    this.#slowRule = options.slowCallRateThreshold !== false;
    this.#trackSlow = this.#slowRule;
    this.timeAll = this.#slowRule;
    this.#sampleEvery =
      options.latencySampling === 0 ? 0 : Math.max(1, Math.round(1 / options.latencySampling));
    this.#sampleCountdown = this.#sampleEvery;
  }

  get total(): number {
    return this.successful + this.failed + this.rejected + this.ignored;
  }

  /** Listeners changed: timing follows what is listened to. */
  listenersChanged(): void {
    const announcer = this.#engine.announcer;
    const slowListener = announcer?.has('slowCall') === true;
    this.#trackSlow = this.#slowRule || slowListener;
    this.timeAll =
      this.#slowRule ||
      slowListener ||
      announcer?.has('success') === true ||
      announcer?.has('failure') === true;
  }

  /** Start time of a call if it is to be timed, else `NaN` (a deterministic sample otherwise). */
  startTime(): number {
    if (this.timeAll) return this.#engine.clock.now();
    if (this.#sampleEvery !== 0 && --this.#sampleCountdown === 0) {
      this.#sampleCountdown = this.#sampleEvery;
      return this.#engine.clock.now();
    }
    return Number.NaN;
  }

  /** A success; returns whether it was slow. */
  success(start: number): boolean {
    this.successful++;
    return !Number.isNaN(start) && this.#timed(start, true, undefined);
  }

  /** A failure (`timeout`: it was one); returns whether it was slow. */
  failure(start: number, error: unknown, timeout: boolean): boolean {
    this.failed++;
    if (timeout) this.timeouts++;
    this.#hasFailed = true;
    this.#lastError = error;
    if (!Number.isNaN(start)) return this.#timed(start, false, error);
    this.#lastFailureAt = this.#engine.clock.now();
    return false;
  }

  /** A call refused without calling the function (`reason` from the refusal code). */
  reject(reason: RejectionReason): void {
    this.rejected++;
    const announcer = this.#engine.announcer;
    if (announcer?.has('rejected')) announcer.emit('rejected', { name: this.#engine.name, reason });
  }

  ignore(error: unknown): void {
    this.ignored++;
    const announcer = this.#engine.announcer;
    if (announcer?.has('ignored')) announcer.emit('ignored', { name: this.#engine.name, error });
  }

  fallback(error: unknown): void {
    this.fallbacks++;
    const announcer = this.#engine.announcer;
    if (announcer?.has('fallback')) announcer.emit('fallback', { name: this.#engine.name, error });
  }

  countTransition(from: CircuitState, to: CircuitState): void {
    this.transitions++;
    (this.#byState ??= new Uint32Array(25))[INDEX[from] * 5 + INDEX[to]]!++;
  }

  /** Transitions by state (`{ closed: { open: 2 } }`), only the pairs that happened. */
  transitionCounts(): TransitionCounts {
    const counts: Partial<Record<CircuitState, Partial<Record<CircuitState, number>>>> = {};
    const byState = this.#byState;
    if (byState === undefined) return counts;
    for (let i = 0; i < 25; i++) {
      const n = byState[i]!;
      if (n !== 0) (counts[STATES[Math.floor(i / 5)]!] ??= {})[STATES[i % 5]!] = n;
    }
    return counts;
  }

  latency(): LatencySummary {
    return this.#latency === undefined ? NO_LATENCY : this.#latency.summary();
  }

  latencyHistogram(): LatencyHistogramSnapshot {
    return (this.#latency ?? EMPTY_HISTOGRAM).snapshot();
  }

  /** Epoch ms of the last failure, or `null`. */
  lastFailureAt(): number | null {
    const at = this.#lastFailureAt;
    if (!this.#hasFailed || at === undefined) return null;
    const clock = this.#engine.clock;
    return (clock.wallNow?.() ?? Date.now()) - (clock.now() - at);
  }

  lastErrorMessage(): string | null {
    if (!this.#hasFailed) return null;
    const error = this.#lastError;
    if (error instanceof Error) return `${error.name}: ${error.message}`;
    try {
      return String(error);
    } catch {
      return Object.prototype.toString.call(error);
    }
  }

  /** Forgets everything (`reset()`). */
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
    this.#lastError = undefined;
    this.#hasFailed = false;
    this.#latency?.clear();
  }

  /** Measures a timed call, feeds the histogram and the timing events; returns whether it was slow. */
  #timed(start: number, success: boolean, error: unknown): boolean {
    const engine = this.#engine;
    const now = engine.clock.now();
    if (!success) this.#lastFailureAt = now;
    const duration = now - start;
    (this.#latency ??= new LatencyHistogram()).record(duration);
    const slow = this.#trackSlow && duration > engine.options.slowCallDuration;
    if (slow) this.slow++;
    const announcer = engine.announcer;
    if (announcer === undefined) return slow;
    const name = engine.name;
    if (announcer.has('latencySample')) announcer.emit('latencySample', { name, duration });
    if (slow && announcer.has('slowCall')) announcer.emit('slowCall', { name, duration });
    if (success) {
      if (announcer.has('success')) announcer.emit('success', { name, duration });
    } else if (announcer.has('failure')) {
      announcer.emit('failure', { name, error, duration });
    }
    return slow;
  }
}
