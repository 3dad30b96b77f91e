import type { CircuitState } from '../CircuitState.js';
import type { RejectionReason } from '../events.js';
import type { TransitionCounts } from '../metrics.js';
import {
  LatencyHistogram,
  type LatencyHistogramSnapshot,
  type LatencySummary,
} from '../window/LatencyHistogram.js';
import type { Announcer } from './Announcer.js';
import { describeFailure } from './describeFailure.js';
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
 * The counts most calls never touch (refusals, timeouts, slow calls, fallbacks, transitions, the last
 * failure), in an object of their own allocated with the first of them: an idle breaker carries none.
 */
class RareCounts {
  ignored = 0;
  rejected = 0;
  timeouts = 0;
  slow = 0;
  fallbacks = 0;
  transitions = 0;
  /** Transitions by state: `from * 5 + to` and its count, in pairs; from the first transition. */
  byState: number[] | undefined = undefined;
  /** The last failure as thrown (stringified only when a snapshot asks), once there was one. */
  lastError: unknown = NO_FAILURE;
  /** Monotonic ms of the last failure. */
  lastFailureAt = 0;
}

const NO_FAILURE: unique symbol = Symbol('no failure');

/**
 * @internal What a breaker has counted since it was created or reset: the cumulative totals of
 * `metrics()`, the latency histogram, the transitions by state, the last failure; and how calls are
 * timed (every call when a slow-call rule or a timing listener needs it, else a deterministic
 * sample). It emits the per-call events through the engine's announcer. The engine alone calls it.
 */
export class Recorder {
  successful = 0;
  failed = 0;
  readonly #engine: Engine;
  /** Every how many calls one is timed: 0 never, 1 every call (timing is needed), else the sample. */
  #every: number;
  #countdown: number;
  #latency: LatencyHistogram | undefined = undefined;
  #rare: RareCounts | undefined = undefined;

  constructor(engine: Engine) {
    this.#engine = engine;
    this.#every = timingPeriod(engine, undefined);
    this.#countdown = this.#every;
  }

  get ignored(): number {
    return this.#rare?.ignored ?? 0;
  }

  get rejected(): number {
    return this.#rare?.rejected ?? 0;
  }

  get timeouts(): number {
    return this.#rare?.timeouts ?? 0;
  }

  get slow(): number {
    return this.#rare?.slow ?? 0;
  }

  get fallbacks(): number {
    return this.#rare?.fallbacks ?? 0;
  }

  get transitions(): number {
    return this.#rare?.transitions ?? 0;
  }

  get total(): number {
    return this.successful + this.failed + this.rejected + this.ignored;
  }

  /** Listeners changed: timing follows what is listened to. */
  listenersChanged(): void {
    this.#every = timingPeriod(this.#engine, this.#engine.announcer);
    if (this.#countdown > this.#every || this.#countdown === 0) this.#countdown = this.#every;
  }

  /** Start time of a call if it is to be timed, else `NaN`: a deterministic sample, or every call. */
  startTime(): number {
    if (this.#countdown === 0 || --this.#countdown !== 0) return Number.NaN;
    this.#countdown = this.#every;
    return this.#engine.clock.now();
  }

  /** A success; returns whether it was slow. */
  success(start: number): boolean {
    this.successful++;
    return !Number.isNaN(start) && this.timed(start, this.#engine.clock.now(), true, undefined);
  }

  /**
   * A failure; returns whether it was slow. `timeout`: the ms after which it timed out (it is
   * recorded at its timeout, not at the moment the shared timer fired), or `false`.
   */
  failure(start: number, error: unknown, timeout: number | false): boolean {
    this.failed++;
    const rare = (this.#rare ??= new RareCounts());
    const now = this.#engine.clock.now();
    rare.lastError = error;
    rare.lastFailureAt = now;
    if (timeout !== false) {
      rare.timeouts++;
      return !Number.isNaN(start) && this.timed(start, start + timeout, false, error);
    }
    return !Number.isNaN(start) && this.timed(start, now, false, error);
  }

  /** A call refused without calling the function (`reason` from the refusal code). */
  reject(reason: RejectionReason): void {
    (this.#rare ??= new RareCounts()).rejected++;
    const announcer = this.#engine.announcer;
    if (announcer?.has('rejected')) announcer.emit('rejected', { name: this.#engine.name, reason });
  }

  ignore(error: unknown): void {
    (this.#rare ??= new RareCounts()).ignored++;
    const announcer = this.#engine.announcer;
    if (announcer?.has('ignored')) announcer.emit('ignored', { name: this.#engine.name, error });
  }

  fallback(error: unknown): void {
    (this.#rare ??= new RareCounts()).fallbacks++;
    const announcer = this.#engine.announcer;
    if (announcer?.has('fallback')) announcer.emit('fallback', { name: this.#engine.name, error });
  }

  countTransition(from: CircuitState, to: CircuitState): void {
    const rare = (this.#rare ??= new RareCounts());
    rare.transitions++;
    const key = INDEX[from] * 5 + INDEX[to];
    const byState = (rare.byState ??= []);
    for (let i = 0; i < byState.length; i += 2) {
      if (byState[i] === key) {
        byState[i + 1]!++;
        return;
      }
    }
    byState.push(key, 1);
  }

  /** Transitions by state (`{ closed: { open: 2 } }`), only the pairs that happened. */
  transitionCounts(): TransitionCounts {
    const counts: Partial<Record<CircuitState, Partial<Record<CircuitState, number>>>> = {};
    const byState = this.#rare?.byState ?? [];
    for (let i = 0; i < byState.length; i += 2) {
      const key = byState[i]!;
      (counts[STATES[Math.floor(key / 5)]!] ??= {})[STATES[key % 5]!] = byState[i + 1]!;
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
    const rare = this.#rare;
    if (rare === undefined || rare.lastError === NO_FAILURE) return null;
    const clock = this.#engine.clock;
    return (clock.wallNow?.() ?? Date.now()) - (clock.now() - rare.lastFailureAt);
  }

  /** The last failure described (never throws, whatever it is: see {@link describeFailure}), or `null`. */
  lastErrorMessage(): string | null {
    const rare = this.#rare;
    if (rare === undefined || rare.lastError === NO_FAILURE) return null;
    return describeFailure(rare.lastError);
  }

  /** Forgets everything (`reset()`). */
  clear(): void {
    this.successful = 0;
    this.failed = 0;
    this.#rare = undefined;
    this.#latency?.clear();
  }

  /** Measures a timed call, feeds the histogram and the timing events; returns whether it was slow. */
  timed(start: number, now: number, success: boolean, error: unknown): boolean {
    const engine = this.#engine;
    const duration = now - start;
    (this.#latency ??= new LatencyHistogram()).record(duration);
    const announcer = engine.announcer;
    const slow =
      duration > engine.options.slowCallDuration &&
      (engine.options.slowCallRateThreshold !== false || announcer?.has('slowCall') === true);
    if (slow) (this.#rare ??= new RareCounts()).slow++;
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

/**
 * Whether every call must be timed: a slow-call rule, a breaker-level `timeout` (a timed call is
 * recorded, a timed-out one at its timeout), or a `success` / `failure` / `slowCall` listener.
 */
function timesEveryCall(engine: Engine, announcer = engine.announcer): boolean {
  return (
    engine.options.slowCallRateThreshold !== false ||
    engine.options.timeout !== false ||
    announcer?.has('slowCall') === true ||
    announcer?.has('success') === true ||
    announcer?.has('failure') === true
  );
}

/** Every how many calls one is timed (0: never, 1: all). */
function timingPeriod(engine: Engine, announcer: Announcer | undefined): number {
  if (timesEveryCall(engine, announcer)) return 1;
  const share = engine.options.latencySampling;
  return share === 0 ? 0 : Math.max(1, Math.round(1 / share));
}
