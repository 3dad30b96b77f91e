import type { CircuitState } from '../CircuitState.js';
import type { TransitionReason } from '../events.js';
import type { LocalTransition, RemoteState } from '../store/StateStore.js';
import { DeadlineTimer } from './DeadlineTimer.js';
import type { Engine } from './Engine.js';
import { OpenPeriod } from './OpenPeriod.js';
import { REFUSED_FORCED, REFUSED_OPEN, type RefusalMessages } from './refusals.js';
import { TrialRound } from './TrialRound.js';
import { type TripReason, TripRules } from './TripRules.js';

/** @internal {@link Automaton.gate}: admit the call as in closed. */
export const ADMIT = 0;
/** @internal {@link Automaton.gate}: admit the call only as a half-open trial. */
export const TRIAL = 1;

/**
 * @internal The automaton: the only writer of a breaker's state, generation, epoch, open period,
 * trial round and deadline timer, whether the change comes from an outcome, the clock, an operator
 * (manual control), the fleet (remote state) or a saved snapshot. Every transition starts a new
 * generation; only outcomes of the current generation reach {@link Automaton.decide}. A transition
 * flows one way: to the recorder (counts), the store (if local), the deadline timer, the announcer.
 *
 * Transitions that fall due by the clock (the open period ending, a half-open round timing out) are
 * applied at the instant they fell due, whenever the automaton is next touched, and by the deadline
 * timer when something wants them on time.
 *
 * Its steps are plain methods, not `#private` ones: a class with private methods carries a brand
 * field in every instance, and a breaker's memory is counted in fields. Only the engine calls them.
 */
export class Automaton {
  readonly rules: TripRules;
  readonly #engine: Engine;
  #state: CircuitState = 'closed';
  #generation = 0;
  /** Outcomes of calls admitted before this generation reach nothing: a `reset()` came since. */
  #resetGeneration = 0;
  /** Created on the first opening. */
  #open: OpenPeriod | undefined = undefined;
  /** The current half-open round (only while half-open, from its first trial). */
  #round: TrialRound | undefined = undefined;

  constructor(engine: Engine) {
    this.#engine = engine;
    this.rules = new TripRules(engine.options);
  }

  get state(): CircuitState {
    return this.#state;
  }

  get generation(): number {
    return this.#generation;
  }

  get resetGeneration(): number {
    return this.#resetGeneration;
  }

  // ---- admission ---------------------------------------------------------------------------------

  /**
   * For a breaker that is not closed or forced closed: applies what is due, then says how a call is
   * admitted — {@link ADMIT}, {@link TRIAL}, or a negative `REFUSED_*` code.
   */
  gate(): number {
    const now = this.#engine.clock.now();
    const open = this.#open;
    if (this.#state === 'open' && open !== undefined && now < open.until) {
      open.refusedAt = now;
      return REFUSED_OPEN;
    }
    this.applyDue(now);
    switch (this.#state) {
      case 'half_open':
        return TRIAL;
      case 'forced_open':
        return REFUSED_FORCED;
      case 'open':
        this.periods().refusedAt = now;
        return REFUSED_OPEN;
      default:
        return ADMIT;
    }
  }

  /** Whether a half-open trial slot is free. */
  trialSlotFree(): boolean {
    return (this.#round?.inFlight ?? 0) < this.#engine.options.halfOpenMaxCalls;
  }

  /** Takes a trial slot; the first trial of a round starts its `halfOpenTimeout`. */
  takeTrial(): void {
    const round = (this.#round ??= new TrialRound());
    if (round.take(this.#engine.clock.now(), this.#engine.options.halfOpenTimeout)) this.arm();
  }

  /** Whether a call would be admitted as far as the state goes (applies what is due; takes nothing). */
  admits(): boolean {
    this.refresh();
    const state = this.#state;
    if (state === 'open' || state === 'forced_open') return false;
    return state !== 'half_open' || this.trialSlotFree();
  }

  /** Ms until the open period ends, as of the last refused admission. */
  retryAfter(): number {
    return this.#open?.retryAfter() ?? 0;
  }

  /** The refusal messages, kept with the open period (every open or half-open refusal has one). */
  refusalMessages(name: string): RefusalMessages {
    return this.periods().messages(name);
  }

  // ---- outcomes ----------------------------------------------------------------------------------

  /**
   * Whether an outcome of a call admitted in `generation` may decide. Transitions that fell due since
   * the breaker was last touched apply first: a trial that outlived its half-open timeout is stale.
   */
  isCurrent(generation: number): boolean {
    this.refresh();
    return generation === this.#generation;
  }

  /** An outcome of the current generation: a half-open trial decides, a closed breaker may trip. */
  decide(failure: boolean, slow: boolean): void {
    if (this.#state === 'half_open') {
      const round = this.#round;
      if (round === undefined) return;
      round.inFlight--;
      if (failure || (slow && this.#engine.options.slowCallRateThreshold !== false))
        this.reopen('trial_failed', true, this.#engine.clock.now());
      else if (++round.successes >= this.#engine.options.successThreshold)
        this.moveTo('closed', 'trial_succeeded');
      return;
    }
    const reason = this.rules.record(failure, slow, this.#engine.options);
    if (reason !== undefined && this.#state === 'closed') this.trip(reason);
  }

  /** An ignored outcome of the current generation frees its half-open trial slot without deciding. */
  releaseTrial(generation: number): void {
    if (this.isCurrent(generation) && this.#round !== undefined) this.#round.inFlight--;
  }

  /**
   * Settling a call of `generation` failed part-way (the engine caught a fault): if it was a trial
   * that the current round still counts, its slot is freed, so that a fault never wedges half-open.
   * Reads no clock and applies nothing.
   */
  abandonTrial(generation: number): void {
    const round = this.#round;
    if (generation === this.#generation && this.#state === 'half_open' && round !== undefined) {
      if (round.inFlight > 0) round.inFlight--;
    }
  }

  // ---- what the outside does ---------------------------------------------------------------------

  /** `open(durationMs?)`: open now; without a duration, for the current period (no backoff step). */
  open(duration: number | undefined): void {
    this.refresh();
    const periods = this.periods();
    const openFor = duration ?? periods.current();
    const now = this.#engine.clock.now();
    if (this.#state !== 'open') {
      this.moveTo('open', 'manual_open', now, openFor);
      return;
    }
    periods.until = now + openFor;
    this.arm();
    this.tellStore({
      from: 'open',
      to: 'open',
      reason: 'manual_open',
      generation: this.#generation,
      openFor,
      backoffAttempt: periods.attempt,
    });
  }

  force(state: 'forced_open' | 'forced_closed'): void {
    this.refresh();
    this.moveTo(state, state === 'forced_open' ? 'force_open' : 'force_close');
  }

  /**
   * Back to closed with the window, the consecutive count and the backoff cleared. A new generation
   * starts even when already closed: calls admitted earlier no longer reach the metrics. The engine
   * clears the recorder first, so that whatever the announcement's listeners do counts after it.
   */
  reset(remote: RemoteState | undefined): void {
    this.refresh();
    const from = this.#state;
    this.#open?.timer?.clear();
    this.#open = undefined;
    this.rules.clear();
    if (from !== 'closed') {
      this.moveTo('closed', 'reset', this.#engine.clock.now(), 0, remote);
      return;
    }
    this.#resetGeneration = ++this.#generation;
    if (remote === undefined) {
      this.tellStore({ from, to: 'closed', reason: 'reset', generation: this.#generation });
    }
  }

  /** Applies a state decided elsewhere (its epoch already accepted); never reported back to the store. */
  applyRemote(remote: RemoteState): void {
    this.refresh();
    const periods = this.periods();
    if (remote.backoffAttempt !== undefined) periods.attempt = remote.backoffAttempt;
    const now = this.#engine.clock.now();
    const openFor = remote.retryAfter ?? periods.current();
    if (remote.state === 'open' && this.#state === 'open') {
      periods.until = now + openFor;
      // Open here already; the fleet's opening names who decided it (never this instance itself).
      if (remote.openedBy !== undefined) periods.openedBy = remote.openedBy;
      this.arm();
      return;
    }
    this.moveTo(remote.state, 'remote', now, openFor, remote);
  }

  /** Restores a saved state at construction (no event: nobody listens yet; a logger's timer is set). */
  restore(state: CircuitState, remainingOpenMs: number, attempt: number): void {
    const periods = this.periods();
    periods.attempt = attempt;
    periods.until = this.#engine.clock.now() + remainingOpenMs;
    this.#state = state === 'open' && remainingOpenMs <= 0 ? 'half_open' : state;
    this.#generation++;
    if (this.#state === 'open' || this.#state === 'forced_open') {
      periods.openedAtWall = this.wallNow();
      periods.reason = 'restored';
    }
    this.arm();
  }

  /** Ms of the open period left (0 unless open) and the backoff attempt, for `toJSON()`. */
  saved(): { remainingOpenMs: number; backoffAttempt: number } {
    const open = this.#open;
    const remaining =
      this.#state === 'open' && open !== undefined ? open.until - this.#engine.clock.now() : 0;
    return { remainingOpenMs: Math.max(0, Math.ceil(remaining)), backoffAttempt: open?.attempt ?? 0 };
  }

  /**
   * Epoch ms when the breaker opened (while open or forced open), when it will admit trials, why it
   * opened and who decided.
   */
  openTimes(): {
    openedAt: number | null;
    retryAt: number | null;
    openReason: TransitionReason | null;
    openedBy: string | null;
  } {
    const open = this.#open;
    if (open === undefined || open.openedAtWall === null) {
      return { openedAt: null, retryAt: null, openReason: null, openedBy: null };
    }
    const retryAt =
      this.#state === 'open' ? this.wallNow() + Math.max(0, open.until - this.#engine.clock.now()) : null;
    return { openedAt: open.openedAtWall, retryAt, openReason: open.reason, openedBy: open.openedBy };
  }

  /** Whether the window counts now (closed or forced closed): otherwise it is frozen. */
  get counting(): boolean {
    return this.#state === 'closed' || this.#state === 'forced_closed';
  }

  /** Something started or stopped observing the breaker: keep the deadline timer accordingly. */
  rearm(): void {
    this.arm();
  }

  /** The engine is disposed: the deadline timer stops for good. */
  dispose(): void {
    this.#open?.timer?.clear();
  }

  // ---- transitions -------------------------------------------------------------------------------

  /** Applies every transition that is due by the clock, each at the moment it fell due. */
  refresh(): void {
    const state = this.#state;
    if (state === 'open' || state === 'half_open') this.applyDue(this.#engine.clock.now());
  }

  /** Applies what fell due by `now`, each transition at the instant it fell due. */
  applyDue(now: number): void {
    for (;;) {
      const round = this.#round;
      if (this.#state === 'open' && now >= (this.#open?.until ?? 0)) {
        this.moveTo('half_open', 'reset_timeout', this.#open?.until ?? now);
      } else if (this.#state === 'half_open' && round !== undefined && now >= round.deadline) {
        // Grows the backoff only if a trial hung, not when trials succeeded but too few arrived.
        this.reopen('half_open_timeout', round.inFlight > 0, round.deadline);
      } else {
        return;
      }
    }
  }

  /** A closed breaker's rule holds. */
  trip(reason: TripReason): void {
    this.moveTo('open', reason, this.#engine.clock.now(), this.periods().first());
  }

  /** A half-open round failed (or timed out at `at`); `grow` steps the backoff. */
  reopen(reason: TransitionReason, grow: boolean, at: number): void {
    this.moveTo('open', reason, at, this.periods().next(grow));
  }

  /** The open periods, created on the first opening. */
  periods(): OpenPeriod {
    return (this.#open ??= new OpenPeriod(this.#engine.options, this.#engine));
  }

  moveTo(
    to: CircuitState,
    reason: TransitionReason,
    at = this.#engine.clock.now(),
    openFor = 0,
    remote: RemoteState | undefined = undefined,
  ): void {
    const from = this.#state;
    if (from === to) return;
    const engine = this.#engine;
    const logger = engine.options.logger;
    const counts = logger === undefined ? undefined : this.rules.counts(this.counting, this.#engine.options);
    this.#state = to;
    this.#generation++;
    if (reason === 'reset') this.#resetGeneration = this.#generation;
    this.#round = undefined;
    // Only closing clears the window: open and half-open keep the figures that tripped it (a
    // half-open round counts its trials in the round), so a failed trial re-opens with them.
    if (to === 'closed') this.rules.clear();
    if (to === 'open' || to === 'forced_open') {
      const periods = this.periods();
      periods.openedAtWall = this.wallNow() - (engine.clock.now() - at);
      periods.reason = reason;
      periods.openedBy = remote?.openedBy ?? null;
      if (to === 'open') periods.until = at + openFor;
    } else if (this.#open !== undefined) {
      this.#open.openedAtWall = null;
      if (to === 'closed') this.#open.attempt = 0;
    }
    if (reason !== 'reset') engine.recorder.countTransition(from, to);
    // Closing after an outage: the throttle forgets it rather than rejecting after it.
    if (to === 'closed') engine.throttle?.clear();
    this.arm();
    if (remote === undefined) {
      const change = { from, to, reason, generation: this.#generation };
      this.tellStore(to === 'open' ? { ...change, openFor, backoffAttempt: this.periods().attempt } : change);
    }
    const openedBy = remote?.openedBy ?? null;
    engine.announcer?.announce({
      from,
      to,
      reason,
      openFor,
      at,
      counts,
      remoteReason: remote?.reason,
      openedBy,
    });
    engine.prober?.transitioned(to);
  }

  /** A local transition, for the store (which adds the epoch it holds). */
  tellStore(change: Omit<LocalTransition, 'epoch'>): void {
    this.#engine.store?.transition(change);
  }

  /** Epoch ms, for what `metrics()` reports. */
  wallNow(): number {
    return this.#engine.clock.wallNow?.() ?? Date.now();
  }

  // ---- the deadline timer ------------------------------------------------------------------------

  /** Keeps one unref'd timer at the next deadline while anything observes the breaker. */
  arm(): void {
    const at =
      this.#state === 'open'
        ? (this.#open?.until ?? Number.NaN)
        : this.#state === 'half_open'
          ? (this.#round?.deadline ?? Number.NaN)
          : Number.NaN;
    const open = this.#open;
    if (open === undefined) return;
    if (!(at < Number.POSITIVE_INFINITY) || !this.#engine.observed()) {
      open.timer?.clear();
      return;
    }
    open.timer ??= new DeadlineTimer(this.#engine.clock, this);
    open.timer.set(at);
  }

  /** The deadline timer fired. */
  onDeadline(): void {
    try {
      this.refresh();
      // A timer that fired before the clock was due finds nothing to do and is set again.
      if (this.#open?.timer?.armed !== true) this.arm();
    } catch (error) {
      this.#engine.reportError(error, 'a deadline transition failed');
    }
  }
}
