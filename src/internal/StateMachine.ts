import type { CircuitState } from '../CircuitState.js';
import type { Clock } from '../clock/Clock.js';
import type { TransitionReason } from '../events.js';
import type { ResolvedOptions } from '../options.js';
import { Outcome } from '../store/StateStore.js';
import { DeadlineTimer } from './DeadlineTimer.js';
import { OpenPeriod } from './OpenPeriod.js';
import {
  REFUSED_BULKHEAD,
  REFUSED_DISPOSED,
  REFUSED_FORCED,
  REFUSED_HALF_OPEN,
  REFUSED_OPEN,
} from './refusals.js';
import type { StoreLink } from './StoreLink.js';
import { TrialRound } from './TrialRound.js';
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
 * @internal The automaton: admission, decisions on outcomes, and the transitions that fall due by the
 * clock, with the open period and its backoff ({@link OpenPeriod}), the half-open round
 * ({@link TrialRound}) and the deadline timer ({@link DeadlineTimer}). It reads local state only; a
 * store binding hears of every local transition and current-generation outcome. What the outside
 * does to the state (manual control, remote state, persistence) is {@link StateControl}.
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
  protected binding: StoreLink | undefined = undefined;
  /** The fleet epoch of the last remote state applied (0 without a store). */
  epoch = 0;
  protected readonly slowRule: boolean;
  readonly #limit: number;
  #since: number;
  /** The open periods: created on the first opening. */
  #open: OpenPeriod | undefined = undefined;
  #lastNow = 0;
  /** The current half-open round (only while half-open). */
  #round: TrialRound | undefined = undefined;
  #timer: DeadlineTimer | undefined = undefined;
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

  get disposed(): boolean {
    return this.#disposed;
  }

  /** Refuses every later admission and stops the deadline timer. */
  protected markDisposed(): void {
    this.#disposed = true;
    this.arm();
  }

  protected wallNow(): number {
    return this.clock.wallNow?.() ?? Date.now();
  }

  // ---- admission -------------------------------------------------------------------------------

  /** Admits a call: returns its generation, or a negative `REFUSED_*` code. Never throws. */
  admit(): number {
    if (this.#disposed) return REFUSED_DISPOSED;
    let state = this.state;
    if (state === 'open' || state === 'half_open') {
      const now = this.clock.now();
      if (state === 'open' && now < this.periods().until) {
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
    const round = (this.#round ??= new TrialRound());
    if (round.full(this.options.halfOpenMaxCalls)) return REFUSED_HALF_OPEN;
    if (this.binding !== undefined && !this.binding.trialPermit(this.generation)) return REFUSED_HALF_OPEN;
    if (this.inFlight >= this.#limit) return REFUSED_BULKHEAD;
    this.inFlight++;
    if (round.take(now, this.options.halfOpenTimeout)) this.arm();
    return this.generation;
  }

  /** Would a call be admitted now? Applies a due transition; admits nothing, takes no trial slot. */
  available(): boolean {
    if (this.#disposed) return false;
    this.refresh();
    const state = this.state;
    if (state === 'open' || state === 'forced_open') return false;
    if (state === 'half_open' && this.#round?.full(this.options.halfOpenMaxCalls)) return false;
    return this.inFlight < this.#limit;
  }

  /** Ms left of the open period, as of the refused admission. */
  protected retryAfter(): number {
    return Math.max(0, this.periods().until - this.#lastNow);
  }

  // ---- decisions -------------------------------------------------------------------------------

  /** An outcome of the current generation: a half-open trial decides, a closed breaker may trip. */
  protected decide(failure: boolean, slow: boolean): void {
    this.binding?.record(
      failure ? (slow ? Outcome.SlowFailure : Outcome.Failure) : slow ? Outcome.SlowSuccess : Outcome.Success,
      this.generation,
    );
    const state = this.state;
    const round = this.#round;
    if (state === 'half_open' && round !== undefined) {
      round.inFlight--;
      if (failure || (slow && this.slowRule)) this.#reopen('trial_failed', true);
      else if (++round.successes >= this.options.successThreshold) this.moveTo('closed', 'trial_succeeded');
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
    if (this.isCurrent(generation) && this.#round !== undefined) this.#round.inFlight--;
  }

  // ---- transitions -----------------------------------------------------------------------------

  /** Applies every transition that is due by the clock, each at the moment it fell due. */
  refresh(): void {
    if (this.state === 'open' || this.state === 'half_open') this.#applyDue(this.clock.now());
  }

  #applyDue(now: number): void {
    for (;;) {
      const openUntil = this.#open?.until ?? 0;
      if (this.state === 'open' && now >= openUntil) {
        this.moveTo('half_open', 'reset_timeout', openUntil);
      } else if (this.state === 'half_open' && this.#round !== undefined && now >= this.#round.deadline) {
        // Grows the backoff only if a trial hung, not when trials succeeded but too few arrived.
        this.#reopen('half_open_timeout', this.#round.inFlight > 0, this.#round.deadline);
      } else {
        return;
      }
    }
  }

  #trip(reason: TransitionReason): void {
    this.moveTo('open', reason, this.clock.now(), this.periods().first());
  }

  #reopen(reason: TransitionReason, grow: boolean, now = this.clock.now()): void {
    this.moveTo('open', reason, now, this.periods().next(grow));
  }

  /** The breaker's open periods, created on first use. */
  protected periods(): OpenPeriod {
    return (this.#open ??= new OpenPeriod(this.options, this));
  }

  /** The open periods if the breaker has ever opened. */
  protected get openPeriod(): OpenPeriod | undefined {
    return this.#open;
  }

  /** Forgets the open periods (`reset()`: the backoff starts over). */
  protected forgetPeriods(): void {
    this.#open = undefined;
  }

  moveTo(
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
    this.#round = undefined;
    if (to === 'closed' || to === 'half_open') this.rules.clear();
    if (to === 'open' || to === 'forced_open') {
      const periods = this.periods();
      periods.openedAtWall = this.wallNow() - (this.clock.now() - now);
      if (to === 'open') periods.until = now + openFor;
    } else if (this.#open !== undefined) {
      this.#open.openedAtWall = null;
      if (to === 'closed') this.#open.attempt = 0;
    }
    this.arm();
    if (!fromRemote) {
      const change = { from, to, reason, generation: this.generation, epoch: this.epoch };
      this.binding?.transition(
        to === 'open' ? { ...change, openFor, backoffAttempt: this.periods().attempt } : change,
      );
    }
    this.announce({ from, to, reason, openFor, elapsed, counts });
  }

  // ---- the deadline timer ----------------------------------------------------------------------

  /** Keeps one unref'd timer at the next deadline while anything observes the breaker. */
  protected arm(): void {
    const at =
      this.state === 'open'
        ? this.periods().until
        : this.state === 'half_open'
          ? (this.#round?.deadline ?? Number.NaN)
          : Number.NaN;
    if (this.#disposed || !(at < Number.POSITIVE_INFINITY) || !this.observed()) {
      this.#timer?.clear();
      return;
    }
    this.#timer ??= new DeadlineTimer(this.clock, () => this.#onDeadline());
    this.#timer.set(at);
  }

  #onDeadline(): void {
    try {
      this.refresh();
      // A timer that fired before the clock was due finds nothing to do and is set again.
      if (!this.#timer?.armed) this.arm();
    } catch (error) {
      this.reportError(error, 'a deadline transition failed');
    }
  }
}
