import { EventHub } from '../engine/EventHub.js';
import type { CircuitBreakerError } from '../errors/CircuitBreakerError.js';
import type { CircuitBreakerEvents, Listener } from '../events.js';
import type { ResolvedOptions } from '../options.js';
import { CallStats } from './CallStats.js';
import { countsAsFailure, isResultFailure } from './classify.js';
import { metricsSnapshot } from './metricsSnapshot.js';
import { type RefusalMessages, refusalError, refusalMessages, rejectionReason } from './refusals.js';
import type { ResetOwner } from './resolveOptions.js';
import { StateControl } from './StateControl.js';
import type { Transition } from './StateMachine.js';
import { schedulerFor, type TimeoutScheduler } from './TimeoutScheduler.js';
import { logTransition } from './transitionLog.js';

/** @internal Outcome handlers of one generation, so the fast path allocates no closure per call. */
interface Handlers {
  readonly generation: number;
  readonly ok: (value: unknown) => void;
  readonly fail: (error: unknown) => void;
}

/**
 * @internal A breaker's engine: the {@link StateMachine} (with its {@link StateControl}) plus what it records — cumulative stats,
 * latency, classification, events and refusal errors. Every call path (the fast path, `Call`,
 * `Permit`) settles through the `settle*` methods here.
 *
 * What a breaker does not use costs it nothing: the event hub, the latency histogram, the fast-path
 * handlers and the refusal messages are created on first use.
 */
export class BreakerCore extends StateControl {
  readonly stats = new CallStats();
  /** True when every call must be timed (slow-call rule, timeout, timing listeners). */
  timeAll: boolean;
  #events: EventHub<CircuitBreakerEvents> | undefined = undefined;
  #trackSlow: boolean;
  readonly #sampleEvery: number;
  #sampleCountdown: number;
  #lastFailureAt = 0;
  #handlers: Handlers | undefined = undefined;
  #messages: RefusalMessages | undefined = undefined;
  #scheduler: TimeoutScheduler | undefined = undefined;
  /** A keyed group's totals, told what the breaker had counted before a reset clears it. */
  owner: ResetOwner | undefined = undefined;

  constructor(name: string, options: ResolvedOptions) {
    super(name, options);
    this.#trackSlow = this.slowRule;
    this.timeAll = this.slowRule || options.timeout !== false;
    this.#sampleEvery =
      options.latencySampling === 0 ? 0 : Math.max(1, Math.round(1 / options.latencySampling));
    this.#sampleCountdown = this.#sampleEvery;
  }

  // ---- events ----------------------------------------------------------------------------------

  on<K extends keyof CircuitBreakerEvents>(
    event: K,
    listener: Listener<CircuitBreakerEvents[K]>,
  ): () => void {
    this.#events ??= new EventHub<CircuitBreakerEvents>(
      (error, name) => this.reportError(error, `a '${String(name)}' listener threw`),
      () => this.#listenersChanged(),
    );
    return this.#events.on(event, listener);
  }

  #has(event: keyof CircuitBreakerEvents): boolean {
    return this.#events?.has(event) === true;
  }

  #emit<K extends keyof CircuitBreakerEvents>(event: K, payload: CircuitBreakerEvents[K]): void {
    this.#events?.emit(event, payload);
  }

  #listenersChanged(): void {
    this.#trackSlow = this.slowRule || this.#has('slowCall');
    this.timeAll =
      this.slowRule ||
      this.options.timeout !== false ||
      this.#has('success') ||
      this.#has('failure') ||
      this.#has('slowCall');
    this.arm();
  }

  protected observed(): boolean {
    return (
      (this.#events !== undefined && this.#events.size > 0) ||
      this.options.logger !== undefined ||
      this.binding !== undefined
    );
  }

  protected announce({ from, to, reason, openFor, elapsed, counts }: Transition): void {
    this.stats.countTransition(from, to);
    const logger = this.options.logger;
    if (logger !== undefined && counts !== undefined) {
      logTransition(logger, {
        name: this.name,
        from,
        to,
        reason,
        failureCount: counts.failures,
        threshold: this.rules.threshold(reason),
        failureRate: counts.calls === 0 ? 0 : counts.failures / counts.calls,
        elapsedMs: elapsed,
      });
    }
    if (this.#events === undefined || this.#events.size === 0) return;
    this.#emit('stateChange', { name: this.name, from, to, reason });
    if (to === 'open') this.#emit('open', { name: this.name, retryAfter: openFor });
    else if (to === 'half_open') this.#emit('halfOpen', { name: this.name });
    else if (to === 'closed') this.#emit('close', { name: this.name });
  }

  /** The store failed: a `storeError` event and a `warn` log line; the breaker goes on locally. */
  storeError(error: unknown): void {
    try {
      this.options.logger?.warn(
        { circuit_breaker: this.name, err: error },
        `Circuit breaker '${this.name}': the store failed; going on with local state`,
      );
    } catch {
      // Nothing may escape.
    }
    if (this.#has('storeError')) this.#emit('storeError', { name: this.name, error });
  }

  /** Sends an internal failure (a throwing listener, classifier or backoff) to `logger.error`. */
  reportError(error: unknown, what: string): void {
    try {
      this.options.logger?.error(
        { circuit_breaker: this.name, err: error },
        `Circuit breaker '${this.name}': ${what}`,
      );
    } catch {
      // Nothing may escape.
    }
  }

  // ---- admission helpers -----------------------------------------------------------------------

  /** Counts a refusal and builds the error for it (without a stack on the open paths). */
  refuse(code: number): CircuitBreakerError {
    this.countRefused(code);
    this.#messages ??= refusalMessages(this.name);
    return refusalError(code, this.name, this.#messages, this.retryAfter(), this.options.maxConcurrentCalls);
  }

  /** Counts a refusal without building its error (`tryAcquire()` returns `undefined`: no Error). */
  countRefused(code: number): void {
    this.stats.rejected++;
    if (this.#has('rejected')) this.#emit('rejected', { name: this.name, reason: rejectionReason(code) });
  }

  /** The timeout scheduler shared by every breaker on this breaker's clock. */
  scheduler(): TimeoutScheduler {
    return (this.#scheduler ??= schedulerFor(this.clock));
  }

  /** Start time of a call if it is to be timed, else `NaN` (a deterministic sample otherwise). */
  startTime(): number {
    if (this.timeAll) return this.clock.now();
    if (this.#sampleEvery !== 0 && --this.#sampleCountdown === 0) {
      this.#sampleCountdown = this.#sampleEvery;
      return this.clock.now();
    }
    return Number.NaN;
  }

  /** The outcome handlers of the current generation (fast path). */
  handlers(): Handlers {
    const handlers = this.#handlers;
    if (handlers !== undefined && handlers.generation === this.generation) return handlers;
    const generation = this.generation;
    return (this.#handlers = {
      generation,
      ok: (value) => {
        this.inFlight--;
        this.settleValue(generation, Number.NaN, value);
      },
      fail: (error) => {
        this.inFlight--;
        this.settleError(generation, Number.NaN, error);
      },
    });
  }

  // ---- outcomes --------------------------------------------------------------------------------

  /** A call resolved with `value` (which `isResultFailure` may still mark as a failure). */
  settleValue(generation: number, start: number, value: unknown): void {
    if (isResultFailure(this.options, value, this)) this.#failure(generation, start, value, false);
    else this.#success(generation, start);
  }

  /** A call threw `error`; returns whether it counted as a failure (else it was ignored). */
  settleError(generation: number, start: number, error: unknown): boolean {
    if (countsAsFailure(this.options, error, this)) {
      this.#failure(generation, start, error, false);
      return true;
    }
    this.settleIgnored(generation, error);
    return false;
  }

  /** A call, or a permit, timed out: always a failure. */
  settleTimeout(generation: number, start: number, error: unknown, timeout: number): void {
    if (generation >= this.resetGeneration && this.#has('timeout'))
      this.#emit('timeout', { name: this.name, timeout });
    this.#failure(generation, start, error, true);
  }

  /** A failure reported without classification (`permit.failure()`, an unsettled permit). */
  settleFailure(generation: number, start: number, error: unknown): void {
    this.#failure(generation, start, error, false);
  }

  /** Neither success nor failure: an excluded error, a caller's abort. Frees a trial slot. */
  settleIgnored(generation: number, error: unknown): void {
    if (generation < this.resetGeneration) return;
    this.countIgnored(error);
    this.releaseTrial(generation);
  }

  /** Counts a call that was never admitted as ignored (the caller's mistake, or an earlier abort). */
  countIgnored(error: unknown): void {
    this.stats.ignored++;
    if (this.#has('ignored')) this.#emit('ignored', { name: this.name, error });
  }

  /** A fallback ran. */
  noteFallback(error: unknown): void {
    this.stats.fallbacks++;
    if (this.#has('fallback')) this.#emit('fallback', { name: this.name, error });
  }

  #success(generation: number, start: number): void {
    if (generation < this.resetGeneration) return;
    this.stats.successful++;
    const slow = !Number.isNaN(start) && this.#timed(start, true, undefined);
    if (this.isCurrent(generation)) this.decide(false, slow);
  }

  #failure(generation: number, start: number, error: unknown, timeout: boolean): void {
    if (generation < this.resetGeneration) return;
    const stats = this.stats;
    stats.failed++;
    if (timeout) stats.timeouts++;
    stats.hasFailed = true;
    stats.lastError = error;
    let slow = false;
    if (Number.isNaN(start)) this.#lastFailureAt = this.clock.now();
    else slow = this.#timed(start, false, error);
    if (this.isCurrent(generation)) this.decide(true, slow);
  }

  /** Measures a timed call, feeds the histogram and the timing events; returns whether it was slow. */
  #timed(start: number, success: boolean, error: unknown): boolean {
    const now = this.clock.now();
    if (!success) this.#lastFailureAt = now;
    const duration = now - start;
    this.stats.recordLatency(duration);
    if (this.#has('latencySample')) this.#emit('latencySample', { name: this.name, duration });
    const slow = this.#trackSlow && duration > this.options.slowCallDuration;
    if (slow) {
      this.stats.slow++;
      if (this.#has('slowCall')) this.#emit('slowCall', { name: this.name, duration });
    }
    if (success) {
      if (this.#has('success')) this.#emit('success', { name: this.name, duration });
    } else if (this.#has('failure')) {
      this.#emit('failure', { name: this.name, error, duration });
    }
    return slow;
  }

  // ---- reporting -------------------------------------------------------------------------------

  /** Epoch ms of the last failure, or `null`. */
  lastFailureAt(): number | null {
    return this.stats.hasFailed ? this.wallNow() - (this.clock.now() - this.#lastFailureAt) : null;
  }

  /** Back to closed with everything cleared, cumulative metrics included. */
  override reset(fromRemote = false): void {
    this.owner?.retire(metricsSnapshot(this), this.stats.latencyHistogram());
    super.reset(fromRemote);
    this.stats.clear();
  }

  override dispose(): void {
    super.dispose();
    this.#events?.clear();
  }
}
