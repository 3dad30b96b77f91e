import type { CircuitState } from '../CircuitState.js';
import { type Clock, setUnrefTimeout } from '../clock/Clock.js';
import { BulkheadFullError } from '../errors/BulkheadFullError.js';
import { CircuitBreakerError } from '../errors/CircuitBreakerError.js';
import { CircuitBreakerOpenError, openMessage } from '../errors/CircuitBreakerOpenError.js';
import {
  type CircuitBreakerEvents,
  EventHub,
  type RejectionReason,
  type TransitionReason,
} from '../events.js';
import type { ResolvedOptions } from '../options.js';
import type { RemoteState, StoreBinding } from '../store/StateStore.js';
import { CallStats } from './CallStats.js';
import { Classifier } from './Classifier.js';
import { openPeriod } from './openPeriod.js';
import { TripRules } from './TripRules.js';
import { logTransition } from './transitionLog.js';

/** @internal Admission results below zero: why a call was refused. */
export const REFUSED_OPEN = -1;
export const REFUSED_HALF_OPEN = -2;
export const REFUSED_FORCED = -3;
export const REFUSED_BULKHEAD = -4;
export const REFUSED_DISPOSED = -5;
const REASONS: readonly RejectionReason[] = ['open', 'half_open_full', 'forced_open', 'bulkhead', 'disposed'];

/** @internal Outcome handlers of one generation, so the fast path allocates no closure per call. */
interface Handlers {
  readonly generation: number;
  readonly ok: (value: unknown) => void;
  readonly fail: (error: unknown) => void;
}

/**
 * @internal The breaker's state machine. Admission reads local state only; every outcome and every
 * transition passes through here, which is also where a store binding receives them.
 *
 * Generations: every transition starts one. An outcome counts against the generation its call was
 * admitted in; an outcome from an older generation reaches the cumulative metrics only (and not even
 * those if a `reset()` came in between).
 */
export class StateMachine {
  readonly options: ResolvedOptions;
  readonly name: string;
  readonly clock: Clock;
  readonly stats = new CallStats();
  readonly rules: TripRules;
  readonly classifier: Classifier;
  readonly events: EventHub<CircuitBreakerEvents>;
  state: CircuitState = 'closed';
  generation = 0;
  /** Calls admitted and not yet settled (for `maxConcurrentCalls`). */
  inFlight = 0;
  /** True when every call must be timed (slow-call rule, timeout, timing listeners). */
  timeAll: boolean;
  #resetGeneration = 0;
  #sampleEvery: number;
  #sampleCountdown: number;
  readonly #slowRule: boolean;
  #trackSlow: boolean;
  readonly #limit: number;
  #since: number;
  #openUntil = 0;
  #openedAtWall: number | null = null;
  #lastNow = 0;
  #lastFailureAt = 0;
  #attempt = 0;
  #trials = 0;
  #trialSuccesses = 0;
  #trialDeadline = Number.POSITIVE_INFINITY;
  #timer: unknown = undefined;
  #disposed = false;
  #handlers: Handlers | undefined = undefined;
  #binding: StoreBinding | undefined;
  /** Refusal messages, built on the first refusal (most breakers never refuse; ~240 bytes each). */
  #messages: Readonly<Record<'open' | 'half_open' | 'forced_open', string>> | undefined = undefined;

  constructor(options: ResolvedOptions) {
    this.options = options;
    this.name = options.name;
    this.clock = options.clock;
    this.rules = new TripRules(options);
    this.classifier = new Classifier(options);
    this.events = new EventHub<CircuitBreakerEvents>(
      (error, event) => this.reportError(error, `a '${String(event)}' listener threw`),
      () => this.#listenersChanged(),
    );
    this.#slowRule = options.slowCallRateThreshold !== false;
    this.#trackSlow = this.#slowRule;
    this.timeAll = this.#slowRule || options.timeout !== false;
    this.#sampleEvery =
      options.latencySampling === 0 ? 0 : Math.max(1, Math.round(1 / options.latencySampling));
    this.#sampleCountdown = this.#sampleEvery;
    this.#limit = options.maxConcurrentCalls;
    this.#since = this.clock.now();
  }

  /** Connects a store; from now on outcomes and transitions reach it. */
  bind(binding: StoreBinding): void {
    this.#binding = binding;
    this.#arm();
  }

  // ---- admission -------------------------------------------------------------------------------

  /** Admits a call: returns its generation, or a negative `REFUSED_*` code. Never throws. */
  admit(): number {
    if (this.#disposed) return REFUSED_DISPOSED;
    const state = this.state;
    if (state === 'open') {
      const now = this.clock.now();
      if (now < this.#openUntil) {
        this.#lastNow = now;
        return REFUSED_OPEN;
      }
      this.#moveTo('half_open', 'reset_timeout', now);
      return this.#admitTrial();
    }
    if (state === 'half_open') return this.#admitTrial();
    if (state === 'forced_open') return REFUSED_FORCED;
    if (this.inFlight >= this.#limit) return REFUSED_BULKHEAD;
    this.inFlight++;
    return this.generation;
  }

  #admitTrial(): number {
    const now = this.clock.now();
    if (now >= this.#trialDeadline) {
      this.#halfOpenTimedOut(now);
      this.#lastNow = now;
      return REFUSED_OPEN;
    }
    if (this.#trials >= this.options.halfOpenMaxCalls) return REFUSED_HALF_OPEN;
    if (this.#binding !== undefined && !this.#binding.trialPermit(this.generation)) return REFUSED_HALF_OPEN;
    if (this.inFlight >= this.#limit) return REFUSED_BULKHEAD;
    this.#trials++;
    this.inFlight++;
    if (this.#trialDeadline === Number.POSITIVE_INFINITY) {
      this.#trialDeadline = now + this.options.halfOpenTimeout;
      this.#arm();
    }
    return this.generation;
  }

  /** Would a call be admitted now? Applies a due transition; admits nothing. */
  available(): boolean {
    if (this.#disposed) return false;
    this.refresh();
    const state = this.state;
    if (state === 'open' || state === 'forced_open') return false;
    if (state === 'half_open' && this.#trials >= this.options.halfOpenMaxCalls) return false;
    return this.inFlight < this.#limit;
  }

  /** Counts a refusal and builds the error for it (without a stack on the open paths). */
  refuse(code: number): CircuitBreakerError {
    this.countRefused(code);
    const messages = (this.#messages ??= {
      open: openMessage(this.name, 'open'),
      half_open: openMessage(this.name, 'half_open'),
      forced_open: openMessage(this.name, 'forced_open'),
    });
    switch (code) {
      case REFUSED_OPEN:
        return CircuitBreakerOpenError.fast(
          this.name,
          'open',
          Math.max(0, this.#openUntil - this.#lastNow),
          messages.open,
        );
      case REFUSED_HALF_OPEN:
        return CircuitBreakerOpenError.fast(this.name, 'half_open', 0, messages.half_open);
      case REFUSED_FORCED:
        return CircuitBreakerOpenError.fast(
          this.name,
          'forced_open',
          Number.POSITIVE_INFINITY,
          messages.forced_open,
        );
      case REFUSED_BULKHEAD:
        return new BulkheadFullError(this.name, this.#limit);
      default:
        return new CircuitBreakerError(
          `Circuit breaker '${this.name}' is disposed`,
          'ERR_CIRCUIT_DISPOSED',
          this.name,
        );
    }
  }

  /** Counts a refusal without building its error (`tryAcquire()` returns `undefined`: no Error). */
  countRefused(code: number): void {
    this.stats.rejected++;
    if (this.events.has('rejected'))
      this.events.emit('rejected', { name: this.name, reason: REASONS[-code - 1]! });
  }

  /** Start time of a call if it is to be timed, else `NaN`. */
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
    return handlers !== undefined && handlers.generation === this.generation
      ? handlers
      : (this.#handlers = this.#createHandlers(this.generation));
  }

  #createHandlers(generation: number): Handlers {
    return {
      generation,
      ok: (value) => {
        this.inFlight--;
        this.settleValue(generation, Number.NaN, value);
      },
      fail: (error) => {
        this.inFlight--;
        this.settleError(generation, Number.NaN, error);
      },
    };
  }

  // ---- outcomes --------------------------------------------------------------------------------

  /** A call resolved with `value` (which `isResultFailure` may still mark as a failure). */
  settleValue(generation: number, start: number, value: unknown): void {
    if (this.classifier.isResultFailure(value, this)) this.#failure(generation, start, value, false);
    else this.#success(generation, start);
  }

  /** A call threw `error`; returns whether it counted as a failure (else it was ignored). */
  settleError(generation: number, start: number, error: unknown): boolean {
    if (this.classifier.isFailure(error, this)) {
      this.#failure(generation, start, error, false);
      return true;
    }
    this.settleIgnored(generation, error);
    return false;
  }

  /** A call, or a permit, timed out: always a failure. */
  settleTimeout(generation: number, start: number, error: unknown, timeout: number): void {
    if (generation >= this.#resetGeneration && this.events.has('timeout')) {
      this.events.emit('timeout', { name: this.name, timeout });
    }
    this.#failure(generation, start, error, true);
  }

  /** A failure reported without classification (`permit.failure()`, an unsettled permit). */
  settleFailure(generation: number, start: number, error: unknown): void {
    this.#failure(generation, start, error, false);
  }

  /** Neither success nor failure: an excluded error, a caller's abort. Frees a trial slot. */
  settleIgnored(generation: number, error: unknown): void {
    if (generation < this.#resetGeneration) return;
    this.countIgnored(error);
    if (generation === this.generation && this.state === 'half_open') this.#trials--;
  }

  /** Counts a call that was never admitted as ignored (the caller's mistake or prior abort). */
  countIgnored(error: unknown): void {
    this.stats.ignored++;
    if (this.events.has('ignored')) this.events.emit('ignored', { name: this.name, error });
  }

  /** A fallback ran. */
  noteFallback(error: unknown): void {
    this.stats.fallbacks++;
    if (this.events.has('fallback')) this.events.emit('fallback', { name: this.name, error });
  }

  #success(generation: number, start: number): void {
    if (generation < this.#resetGeneration) return;
    this.stats.successful++;
    const slow = !Number.isNaN(start) && this.#timed(start, true, undefined);
    if (generation !== this.generation) return;
    this.#binding?.record(slow ? 2 : 0, generation);
    const state = this.state;
    if (state === 'half_open') {
      this.#trials--;
      if (slow && this.#slowRule) this.#reopen('trial_failed', true);
      else if (++this.#trialSuccesses >= this.options.successThreshold)
        this.#moveTo('closed', 'trial_succeeded');
      return;
    }
    const reason = this.rules.record(false, slow);
    if (reason !== undefined && state === 'closed') this.#trip(reason);
  }

  #failure(generation: number, start: number, error: unknown, timeout: boolean): void {
    if (generation < this.#resetGeneration) return;
    const stats = this.stats;
    stats.failed++;
    if (timeout) stats.timeouts++;
    stats.hasFailed = true;
    stats.lastError = error;
    const slow = !Number.isNaN(start) ? this.#timed(start, false, error) : false;
    if (Number.isNaN(start)) this.#lastFailureAt = this.clock.now();
    if (generation !== this.generation) return;
    this.#binding?.record(slow ? 3 : 1, generation);
    const state = this.state;
    if (state === 'half_open') {
      this.#trials--;
      this.#reopen('trial_failed', true);
      return;
    }
    const reason = this.rules.record(true, slow);
    if (reason !== undefined && state === 'closed') this.#trip(reason);
  }

  /** Measures a timed call, feeds the histogram and the timing events; returns whether it was slow. */
  #timed(start: number, success: boolean, error: unknown): boolean {
    const now = this.clock.now();
    if (!success) this.#lastFailureAt = now;
    const duration = now - start;
    this.stats.latency.record(duration);
    const events = this.events;
    const slow = this.#trackSlow && duration > this.options.slowCallDuration;
    if (slow) {
      this.stats.slow++;
      if (events.has('slowCall')) events.emit('slowCall', { name: this.name, duration });
    }
    if (success) {
      if (events.has('success')) events.emit('success', { name: this.name, duration });
    } else if (events.has('failure')) {
      events.emit('failure', { name: this.name, error, duration });
    }
    return slow;
  }

  // ---- transitions -----------------------------------------------------------------------------

  /** Applies a transition that is due by the clock (open → half_open, a half-open timeout). */
  refresh(): void {
    const state = this.state;
    if (state !== 'open' && state !== 'half_open') return;
    const now = this.clock.now();
    if (state === 'open') {
      if (now >= this.#openUntil) this.#moveTo('half_open', 'reset_timeout', now);
    } else if (now >= this.#trialDeadline) {
      this.#halfOpenTimedOut(now);
    }
  }

  #halfOpenTimedOut(now: number): void {
    this.#reopen('half_open_timeout', this.#trials > 0, now);
  }

  #trip(reason: TransitionReason): void {
    this.#attempt = 1;
    this.#moveTo('open', reason, this.clock.now(), this.#period(1));
  }

  #reopen(reason: TransitionReason, grow: boolean, now = this.clock.now()): void {
    this.#attempt = grow ? Math.max(this.#attempt, 1) + 1 : Math.max(this.#attempt, 1);
    this.#moveTo('open', reason, now, this.#period(this.#attempt));
  }

  #period(attempt: number): number {
    try {
      return openPeriod(this.options, attempt);
    } catch (error) {
      this.reportError(error, 'the backoff function failed; using resetTimeout');
      return this.options.resetTimeout;
    }
  }

  /** `open(durationMs?)`: open now; without a duration, for the current period (no backoff step). */
  open(duration: number | undefined): void {
    this.#attempt = Math.max(this.#attempt, 1);
    const openFor = duration ?? this.#period(this.#attempt);
    const now = this.clock.now();
    if (this.state === 'open') {
      this.#openUntil = now + openFor;
      this.#arm();
      this.#binding?.transition({
        from: 'open',
        to: 'open',
        reason: 'manual_open',
        generation: this.generation,
        openFor,
      });
      return;
    }
    this.#moveTo('open', 'manual_open', now, openFor);
  }

  force(state: 'forced_open' | 'forced_closed'): void {
    this.#moveTo(state, state === 'forced_open' ? 'force_open' : 'force_close');
  }

  /** Back to closed with everything cleared; calls admitted earlier no longer reach the metrics. */
  reset(fromRemote = false): void {
    const from = this.state;
    this.#attempt = 0;
    this.rules.clear();
    if (from !== 'closed') this.#moveTo('closed', 'reset', this.clock.now(), 0, fromRemote);
    else {
      this.generation++;
      if (!fromRemote)
        this.#binding?.transition({ from, to: 'closed', reason: 'reset', generation: this.generation });
    }
    this.#resetGeneration = this.generation;
    this.stats.clear();
  }

  /** Applies state decided elsewhere; never reported back to the store. */
  applyRemote(remote: RemoteState): void {
    if (this.#disposed) return;
    if (remote.reason === 'reset') {
      this.reset(true);
      return;
    }
    const now = this.clock.now();
    if (remote.state === 'open' && this.state === 'open') {
      this.#openUntil = now + (remote.retryAfter ?? 0);
      this.#arm();
      return;
    }
    this.#moveTo(
      remote.state,
      'remote',
      now,
      remote.retryAfter ?? this.#period(Math.max(this.#attempt, 1)),
      true,
    );
  }

  /** Restores a saved state at construction (no event: nobody listens yet). */
  restore(state: CircuitState, remainingOpenMs: number, attempt: number): void {
    this.#attempt = attempt;
    if (state === 'open' && remainingOpenMs <= 0) state = 'half_open';
    this.state = state;
    this.generation++;
    this.#openUntil = this.clock.now() + remainingOpenMs;
    if (state === 'open') this.#openedAtWall = this.#wallNow();
  }

  #moveTo(
    to: CircuitState,
    reason: TransitionReason,
    now = this.clock.now(),
    openFor = 0,
    fromRemote = false,
  ): void {
    const from = this.state;
    if (from === to) return;
    const facts = this.options.logger === undefined ? undefined : this.rules.counts();
    this.state = to;
    this.generation++;
    this.stats.transitions++;
    const elapsed = now - this.#since;
    this.#since = now;
    this.#trials = 0;
    this.#trialSuccesses = 0;
    this.#trialDeadline = Number.POSITIVE_INFINITY;
    if (to === 'closed' || to === 'half_open') this.rules.clear();
    if (to === 'closed') this.#attempt = 0;
    this.#openedAtWall = to === 'open' || to === 'forced_open' ? this.#wallNow() : null;
    if (to === 'open') this.#openUntil = now + openFor;
    this.#arm();
    if (!fromRemote) {
      this.#binding?.transition({
        from,
        to,
        reason,
        generation: this.generation,
        ...(to === 'open' ? { openFor } : {}),
      });
    }
    if (facts !== undefined && this.options.logger !== undefined) {
      logTransition(this.options.logger, {
        name: this.name,
        from,
        to,
        reason,
        failureCount: facts.failures,
        threshold: this.rules.threshold(reason),
        failureRate: facts.calls === 0 ? 0 : facts.failures / facts.calls,
        elapsedMs: elapsed,
      });
    }
    const events = this.events;
    if (events.size === 0) return;
    events.emit('stateChange', { name: this.name, from, to, reason });
    if (to === 'open') events.emit('open', { name: this.name, retryAfter: openFor });
    else if (to === 'half_open') events.emit('halfOpen', { name: this.name });
    else if (to === 'closed') events.emit('close', { name: this.name });
  }

  /** Keeps one unref'd timer at the next deadline while anything observes the breaker. */
  #arm(): void {
    if (this.#timer !== undefined) {
      this.clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#disposed) return;
    if (this.events.size === 0 && this.options.logger === undefined && this.#binding === undefined) return;
    const at =
      this.state === 'open' ? this.#openUntil : this.state === 'half_open' ? this.#trialDeadline : Number.NaN;
    if (!(at < Number.POSITIVE_INFINITY)) return;
    this.#timer = setUnrefTimeout(
      this.clock,
      () => this.#onDeadline(),
      Math.max(0, Math.ceil(at - this.clock.now())),
    );
  }

  #onDeadline(): void {
    this.#timer = undefined;
    try {
      this.refresh();
      // Timers run on the event loop's clock, which can lag `clock.now()` by a fraction of a ms: a
      // timer that fired early finds nothing due and must be set again.
      if (this.#timer === undefined) this.#arm();
    } catch (error) {
      this.reportError(error, 'a deadline transition failed');
    }
  }

  #listenersChanged(): void {
    const events = this.events;
    this.#trackSlow = this.#slowRule || events.has('slowCall');
    this.timeAll =
      this.#slowRule ||
      this.options.timeout !== false ||
      events.has('success') ||
      events.has('failure') ||
      events.has('slowCall');
    this.#arm();
  }

  // ---- reporting -------------------------------------------------------------------------------

  /** Timing facts for `metrics()`. */
  times(): { openedAt: number | null; retryAt: number | null; lastFailureAt: number | null } {
    const nowWall = this.#wallNow();
    const now = this.clock.now();
    return {
      openedAt: this.#openedAtWall,
      retryAt: this.state === 'open' ? nowWall + Math.max(0, this.#openUntil - now) : null,
      lastFailureAt: this.stats.hasFailed ? nowWall - (now - this.#lastFailureAt) : null,
    };
  }

  /** Ms of the open period left (0 unless open) and the backoff attempt, for `toJSON()`. */
  saved(): { remainingOpenMs: number; backoffAttempt: number; savedAt: number } {
    return {
      remainingOpenMs: this.state === 'open' ? Math.max(0, this.#openUntil - this.clock.now()) : 0,
      backoffAttempt: this.#attempt,
      savedAt: this.#wallNow(),
    };
  }

  #wallNow(): number {
    return this.clock.wallNow?.() ?? Date.now();
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

  get disposed(): boolean {
    return this.#disposed;
  }

  dispose(): void {
    this.#disposed = true;
    this.events.clear();
    this.#arm();
    const binding = this.#binding;
    this.#binding = undefined;
    try {
      binding?.release();
    } catch (error) {
      this.reportError(error, 'the store binding failed to release');
    }
  }
}
