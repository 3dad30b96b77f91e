import type { CircuitState } from '../CircuitState.js';
import { type Clock, setUnrefTimeout } from '../clock/Clock.js';
import type { TransitionReason } from '../events.js';
import type { ResolvedOptions } from '../options.js';
import type { RemoteState, StoreBinding } from '../store/StateStore.js';
import { openPeriod } from './openPeriod.js';
import {
  REFUSED_BULKHEAD,
  REFUSED_DISPOSED,
  REFUSED_FORCED,
  REFUSED_HALF_OPEN,
  REFUSED_OPEN,
} from './refusals.js';
import { TripRules, type WindowCounts } from './TripRules.js';

/** @internal What a transition announces (to logs and listeners). */
export interface Transition {
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly reason: TransitionReason;
  /** For `open`: the open period in ms. */
  readonly openFor: number;
  /** Ms spent in the previous state. */
  readonly elapsed: number;
  /** The window before the transition, when a logger wants it. */
  readonly counts: WindowCounts | undefined;
}

/**
 * @internal The automaton: admission, transitions, the open period with its backoff, half-open trials
 * and the one deadline timer. It reads local state only; a store binding hears of every local
 * transition and current-generation outcome, and may apply remote state.
 *
 * Generations: every transition starts one. Only outcomes of calls admitted in the current generation
 * reach {@link StateMachine.decide}; older ones are stale.
 */
export abstract class StateMachine {
  readonly options: ResolvedOptions;
  readonly name: string;
  readonly clock: Clock;
  readonly rules: TripRules;
  state: CircuitState = 'closed';
  generation = 0;
  /** Outcomes of calls admitted before this generation reach nothing (a `reset()` came since). */
  resetGeneration = 0;
  /** Calls admitted and not yet settled (for `maxConcurrentCalls`). */
  inFlight = 0;
  protected binding: StoreBinding | undefined = undefined;
  protected readonly slowRule: boolean;
  readonly #limit: number;
  #since: number;
  #openUntil = 0;
  #openedAtWall: number | null = null;
  #lastNow = 0;
  #attempt = 0;
  #trials = 0;
  #trialSuccesses = 0;
  #trialDeadline = Number.POSITIVE_INFINITY;
  #timer: unknown = undefined;
  #disposed = false;

  constructor(name: string, options: ResolvedOptions) {
    this.options = options;
    this.name = name;
    this.clock = options.clock;
    this.rules = new TripRules(options);
    this.slowRule = options.slowCallRateThreshold !== false;
    this.#limit = options.maxConcurrentCalls;
    this.#since = this.clock.now();
  }

  /** Whether anything wants transitions on time (listeners, a logger, a store). */
  protected abstract observed(): boolean;
  /** Delivers a transition to logs and listeners. */
  protected abstract announce(transition: Transition): void;
  /** Sends an internal failure to the logger. */
  abstract reportError(error: unknown, what: string): void;

  /** Connects a store; from now on outcomes and transitions reach it. */
  bind(binding: StoreBinding): void {
    this.binding = binding;
    this.arm();
  }

  get disposed(): boolean {
    return this.#disposed;
  }

  // ---- admission -------------------------------------------------------------------------------

  /** Admits a call: returns its generation, or a negative `REFUSED_*` code. Never throws. */
  admit(): number {
    if (this.#disposed) return REFUSED_DISPOSED;
    let state = this.state;
    if (state === 'open' || state === 'half_open') {
      const now = this.clock.now();
      if (state === 'open' && now < this.#openUntil) {
        this.#lastNow = now;
        return REFUSED_OPEN;
      }
      this.#applyDue(now);
      state = this.state;
      if (state === 'open') {
        this.#lastNow = now;
        return REFUSED_OPEN;
      }
      if (state === 'half_open') return this.#admitTrial(now);
    }
    if (state === 'forced_open') return REFUSED_FORCED;
    if (this.inFlight >= this.#limit) return REFUSED_BULKHEAD;
    this.inFlight++;
    return this.generation;
  }

  #admitTrial(now: number): number {
    if (this.#trials >= this.options.halfOpenMaxCalls) return REFUSED_HALF_OPEN;
    if (this.binding !== undefined && !this.binding.trialPermit(this.generation)) return REFUSED_HALF_OPEN;
    if (this.inFlight >= this.#limit) return REFUSED_BULKHEAD;
    this.#trials++;
    this.inFlight++;
    if (this.#trialDeadline === Number.POSITIVE_INFINITY) {
      this.#trialDeadline = now + this.options.halfOpenTimeout;
      this.arm();
    }
    return this.generation;
  }

  /** Would a call be admitted now? Applies a due transition; admits nothing, takes no trial slot. */
  available(): boolean {
    if (this.#disposed) return false;
    this.refresh();
    const state = this.state;
    if (state === 'open' || state === 'forced_open') return false;
    if (state === 'half_open' && this.#trials >= this.options.halfOpenMaxCalls) return false;
    return this.inFlight < this.#limit;
  }

  /** Ms left of the open period, as of the refused admission. */
  protected retryAfter(): number {
    return Math.max(0, this.#openUntil - this.#lastNow);
  }

  // ---- decisions -------------------------------------------------------------------------------

  /** An outcome of the current generation: a half-open trial decides, a closed breaker may trip. */
  protected decide(failure: boolean, slow: boolean): void {
    this.binding?.record(failure ? (slow ? 3 : 1) : slow ? 2 : 0, this.generation);
    const state = this.state;
    if (state === 'half_open') {
      this.#trials--;
      if (failure || (slow && this.slowRule)) this.#reopen('trial_failed', true);
      else if (++this.#trialSuccesses >= this.options.successThreshold)
        this.#moveTo('closed', 'trial_succeeded');
      return;
    }
    const reason = this.rules.record(failure, slow);
    if (reason !== undefined && state === 'closed') this.#trip(reason);
  }

  /**
   * Whether an outcome of a call admitted in `generation` may decide. Transitions that fell due since
   * the breaker was last read apply first: a trial that outlived its half-open timeout is stale.
   */
  protected isCurrent(generation: number): boolean {
    this.refresh();
    return generation === this.generation;
  }

  /** An ignored outcome frees its half-open trial slot without deciding. */
  protected releaseTrial(generation: number): void {
    if (this.isCurrent(generation) && this.state === 'half_open') this.#trials--;
  }

  // ---- transitions -----------------------------------------------------------------------------

  /** Applies every transition that is due by the clock, each at the moment it fell due. */
  refresh(): void {
    if (this.state === 'open' || this.state === 'half_open') this.#applyDue(this.clock.now());
  }

  #applyDue(now: number): void {
    for (;;) {
      if (this.state === 'open' && now >= this.#openUntil) {
        this.#moveTo('half_open', 'reset_timeout', this.#openUntil);
      } else if (this.state === 'half_open' && now >= this.#trialDeadline) {
        // Grows the backoff only if a trial hung, not when trials succeeded but too few arrived.
        this.#reopen('half_open_timeout', this.#trials > 0, this.#trialDeadline);
      } else {
        return;
      }
    }
  }

  #trip(reason: TransitionReason): void {
    this.#attempt = 1;
    this.#moveTo('open', reason, this.clock.now(), this.#period(1));
  }

  #reopen(reason: TransitionReason, grow: boolean, now = this.clock.now()): void {
    this.#attempt = Math.max(this.#attempt, 1) + (grow ? 1 : 0);
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
    this.refresh();
    this.#attempt = Math.max(this.#attempt, 1);
    const openFor = duration ?? this.#period(this.#attempt);
    const now = this.clock.now();
    if (this.state !== 'open') {
      this.#moveTo('open', 'manual_open', now, openFor);
      return;
    }
    this.#openUntil = now + openFor;
    this.arm();
    this.binding?.transition({
      from: 'open',
      to: 'open',
      reason: 'manual_open',
      generation: this.generation,
      openFor,
    });
  }

  force(state: 'forced_open' | 'forced_closed'): void {
    this.refresh();
    this.#moveTo(state, state === 'forced_open' ? 'force_open' : 'force_close');
  }

  /** Back to closed with everything cleared; calls admitted earlier no longer reach the metrics. */
  reset(fromRemote = false): void {
    this.refresh();
    const from = this.state;
    this.#attempt = 0;
    this.rules.clear();
    if (from !== 'closed') {
      this.#moveTo('closed', 'reset', this.clock.now(), 0, fromRemote);
    } else {
      this.generation++;
      if (!fromRemote)
        this.binding?.transition({ from, to: 'closed', reason: 'reset', generation: this.generation });
    }
    this.resetGeneration = this.generation;
  }

  /** Applies state decided elsewhere; never reported back to the store. */
  applyRemote(remote: RemoteState): void {
    if (this.#disposed) return;
    if (remote.reason === 'reset') {
      this.reset(true);
      return;
    }
    this.refresh();
    const now = this.clock.now();
    const openFor = remote.retryAfter ?? this.#period(Math.max(this.#attempt, 1));
    if (remote.state === 'open' && this.state === 'open') {
      this.#openUntil = now + openFor;
      this.arm();
      return;
    }
    this.#moveTo(remote.state, 'remote', now, openFor, true);
  }

  /** Restores a saved state at construction (no event: nobody listens yet). */
  restore(state: CircuitState, remainingOpenMs: number, attempt: number): void {
    this.#attempt = attempt;
    this.state = state === 'open' && remainingOpenMs <= 0 ? 'half_open' : state;
    this.generation++;
    this.#openUntil = this.clock.now() + remainingOpenMs;
    if (this.state === 'open' || this.state === 'forced_open') this.#openedAtWall = this.wallNow();
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
    const counts = this.options.logger === undefined ? undefined : this.rules.counts();
    this.state = to;
    this.generation++;
    const elapsed = now - this.#since;
    this.#since = now;
    this.#trials = 0;
    this.#trialSuccesses = 0;
    this.#trialDeadline = Number.POSITIVE_INFINITY;
    if (to === 'closed' || to === 'half_open') this.rules.clear();
    if (to === 'closed') this.#attempt = 0;
    this.#openedAtWall =
      to === 'open' || to === 'forced_open' ? this.wallNow() - (this.clock.now() - now) : null;
    if (to === 'open') this.#openUntil = now + openFor;
    this.arm();
    if (!fromRemote) {
      const change = { from, to, reason, generation: this.generation };
      this.binding?.transition(to === 'open' ? { ...change, openFor } : change);
    }
    this.announce({ from, to, reason, openFor, elapsed, counts });
  }

  // ---- the deadline timer ----------------------------------------------------------------------

  /** Keeps one unref'd timer at the next deadline while anything observes the breaker. */
  protected arm(): void {
    if (this.#timer !== undefined) {
      this.clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    if (this.#disposed || !this.observed()) return;
    const at =
      this.state === 'open' ? this.#openUntil : this.state === 'half_open' ? this.#trialDeadline : Number.NaN;
    if (!(at < Number.POSITIVE_INFINITY)) return;
    const delay = Math.max(0, Math.ceil(at - this.clock.now()));
    this.#timer = setUnrefTimeout(this.clock, () => this.#onDeadline(), delay);
  }

  #onDeadline(): void {
    this.#timer = undefined;
    try {
      this.refresh();
      // Timers run on the event loop's clock, which can lag `clock.now()` by a fraction of a ms: a
      // timer that fired early finds nothing due and must be set again.
      if (this.#timer === undefined) this.arm();
    } catch (error) {
      this.reportError(error, 'a deadline transition failed');
    }
  }

  // ---- reporting -------------------------------------------------------------------------------

  /** Epoch ms when the breaker opened (while open or forced open), and when it will admit trials. */
  openTimes(): { openedAt: number | null; retryAt: number | null } {
    return {
      openedAt: this.#openedAtWall,
      retryAt:
        this.state === 'open' ? this.wallNow() + Math.max(0, this.#openUntil - this.clock.now()) : null,
    };
  }

  /** Ms of the open period left (0 unless open) and the backoff attempt, for `toJSON()`. */
  saved(): { remainingOpenMs: number; backoffAttempt: number; savedAt: number } {
    return {
      remainingOpenMs: this.state === 'open' ? Math.max(0, this.#openUntil - this.clock.now()) : 0,
      backoffAttempt: this.#attempt,
      savedAt: this.wallNow(),
    };
  }

  protected wallNow(): number {
    return this.clock.wallNow?.() ?? Date.now();
  }

  /** Stops the deadline timer and releases the store binding; later admissions are refused. */
  dispose(): void {
    this.#disposed = true;
    this.arm();
    const binding = this.binding;
    this.binding = undefined;
    try {
      binding?.release();
    } catch (error) {
      this.reportError(error, 'the store binding failed to release');
    }
  }
}
