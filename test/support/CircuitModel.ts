/**
 * A reference model of one breaker's state machine, written from DESIGN.md section 2 ("States" and
 * "Precise semantics") for the model-based test `src/CircuitBreaker.model.test.ts`.
 *
 * It is deliberately naive so that it can be checked by reading: the count window is a plain array,
 * nothing is cached, and every time-driven transition is applied at the exact moment it falls due
 * ("breaker.state is exact whenever it is read"), whatever moment the model is asked at.
 *
 * Covered: a count window, the three trip rules gated by `minimumCalls`, half-open trials
 * (`halfOpenMaxCalls`, `successThreshold`, `halfOpenTimeout`), exponential backoff without jitter,
 * generations (stale outcomes reach cumulative counts only; after `reset()` they reach nothing), and
 * manual control. Not covered: time windows, timeouts, fallbacks, bulkheads, permits, stores.
 */

export type ModelState = 'closed' | 'open' | 'half_open' | 'forced_open' | 'forced_closed';

/** How a call ends: resolved, thrown (a failure), or thrown with an excluded error (ignored). */
export type ModelOutcome = 'success' | 'failure' | 'ignored';

/** Fully resolved options (defaults already applied by the caller). */
export interface ModelConfig {
  readonly failureThreshold: number | false;
  readonly failureRateThreshold: number | false;
  readonly slowCallRateThreshold: number | false;
  readonly slowCallDuration: number;
  readonly minimumCalls: number;
  /** Size of the count window. */
  readonly windowSize: number;
  readonly resetTimeout: number;
  /** Exponential backoff with jitter 0, or none. */
  readonly backoff: false | { readonly multiplier: number; readonly max: number };
  readonly halfOpenMaxCalls: number;
  readonly successThreshold: number;
  readonly halfOpenTimeout: number;
}

/** What happened to a call at admission. */
export type ModelAdmission =
  | { readonly admitted: true; readonly id: number }
  | {
      readonly admitted: false;
      readonly state: 'open' | 'half_open' | 'forced_open';
      readonly retryAfter: number;
    };

/** The `metrics()` figures the model predicts. */
export interface ModelMetrics {
  readonly state: ModelState;
  readonly totalCalls: number;
  readonly successfulCalls: number;
  readonly failedCalls: number;
  readonly rejectedCalls: number;
  readonly ignoredCalls: number;
  readonly slowCalls: number;
  readonly consecutiveFailures: number;
  readonly windowCalls: number;
  readonly failureRate: number;
  readonly slowCallRate: number;
  readonly stateTransitions: number;
  /** When open: the time the open period ends (on a clock whose wall time equals `now`); else null. */
  readonly retryAt: number | null;
}

interface PendingCall {
  readonly generation: number;
  readonly startedAt: number;
  /** Admitted before a `reset()`: its outcome reaches nothing. */
  dropped: boolean;
}

interface WindowEntry {
  readonly failure: boolean;
  readonly slow: boolean;
}

export class CircuitModel {
  readonly config: ModelConfig;
  /** Current time (the FakeClock's `now()`). */
  now = 0;

  #state: ModelState = 'closed';
  #generation = 0;
  readonly #pending = new Map<number, PendingCall>();
  #nextId = 1;

  // Cumulative counts since creation or the last reset().
  #successful = 0;
  #failed = 0;
  #rejected = 0;
  #ignored = 0;
  #slow = 0;
  #transitions = 0;

  // What the trip rules see: the last `windowSize` outcomes and the consecutive failures.
  #window: WindowEntry[] = [];
  #consecutiveFailures = 0;

  // OPEN.
  #openUntil = 0;
  /** Openings in a row without closing in between (the backoff's `attempt`). */
  #openings = 0;

  // HALF_OPEN.
  #trialsRunning = 0;
  #trialSuccesses = 0;
  #trialDeadline = Number.POSITIVE_INFINITY;

  constructor(config: ModelConfig) {
    this.config = config;
  }

  // ---- queries ---------------------------------------------------------------------------------

  get state(): ModelState {
    this.#catchUp();
    return this.#state;
  }

  /** Ids of calls admitted and not yet settled or abandoned, oldest first. */
  pendingIds(): number[] {
    return [...this.#pending.keys()];
  }

  /** Ms until the open period ends, when open. */
  msUntilOpenEnds(): number | undefined {
    this.#catchUp();
    return this.#state === 'open' ? this.#openUntil - this.now : undefined;
  }

  /** Ms until the half-open timeout falls due, when half-open with a trial admitted. */
  msUntilTrialDeadline(): number | undefined {
    this.#catchUp();
    return this.#state === 'half_open' && this.#trialDeadline < Number.POSITIVE_INFINITY
      ? this.#trialDeadline - this.now
      : undefined;
  }

  /** `isAvailable()`: would a call be admitted now? */
  available(): boolean {
    this.#catchUp();
    switch (this.#state) {
      case 'closed':
      case 'forced_closed':
        return true;
      case 'half_open':
        return this.#trialsRunning < this.config.halfOpenMaxCalls;
      default:
        return false;
    }
  }

  metrics(): ModelMetrics {
    this.#catchUp();
    const calls = this.#window.length;
    const failures = this.#window.filter((entry) => entry.failure).length;
    const slowCalls = this.#window.filter((entry) => entry.slow).length;
    return {
      state: this.#state,
      totalCalls: this.#successful + this.#failed + this.#rejected + this.#ignored,
      successfulCalls: this.#successful,
      failedCalls: this.#failed,
      rejectedCalls: this.#rejected,
      ignoredCalls: this.#ignored,
      slowCalls: this.#slow,
      consecutiveFailures: this.#consecutiveFailures,
      windowCalls: calls,
      // "failureRate is failures / calls in the window (0 when the window is empty)".
      failureRate: calls === 0 ? 0 : failures / calls,
      slowCallRate: calls === 0 ? 0 : slowCalls / calls,
      stateTransitions: this.#transitions,
      retryAt: this.#state === 'open' ? this.#openUntil : null,
    };
  }

  // ---- commands --------------------------------------------------------------------------------

  advance(ms: number): void {
    this.now += ms;
    this.#catchUp();
  }

  /** A call arrives: admitted (it runs until `settle` or `abandon`) or refused. */
  admit(): ModelAdmission {
    this.#catchUp();
    switch (this.#state) {
      case 'forced_open':
        // "retryAfter ... Infinity when forced open".
        this.#rejected++;
        return { admitted: false, state: 'forced_open', retryAfter: Number.POSITIVE_INFINITY };
      case 'open':
        // "retryAfter: ms until the open period ends".
        this.#rejected++;
        return { admitted: false, state: 'open', retryAfter: this.#openUntil - this.now };
      case 'half_open':
        // "at most halfOpenMaxCalls trial calls run at once; any call beyond that is rejected at once";
        // "0 when refused in half_open".
        if (this.#trialsRunning >= this.config.halfOpenMaxCalls) {
          this.#rejected++;
          return { admitted: false, state: 'half_open', retryAfter: 0 };
        }
        this.#trialsRunning++;
        // "halfOpenTimeout ... counted from the first trial admitted".
        if (this.#trialDeadline === Number.POSITIVE_INFINITY) {
          this.#trialDeadline = this.now + this.config.halfOpenTimeout;
        }
        return this.#run();
      default:
        return this.#run();
    }
  }

  /** A running call ends with `outcome` now. */
  settle(id: number, outcome: ModelOutcome): void {
    this.#catchUp();
    const call = this.#pending.get(id);
    if (call === undefined) throw new Error(`model: no running call ${id}`);
    this.#pending.delete(id);
    // "calls admitted before [reset()] are dropped from the metrics when they settle".
    if (call.dropped) return;
    // "An outcome is recorded against the generation in which its call was admitted".
    const current = call.generation === this.#generation;
    if (outcome === 'ignored') {
      // "counted neither as success nor failure (in HALF_OPEN they free the trial slot)".
      this.#ignored++;
      if (current && this.#state === 'half_open') this.#trialsRunning--;
      return;
    }
    const failure = outcome === 'failure';
    // "calls slower than slowCallDuration ms" (only measured when a slow-call rule asks for it).
    const slow =
      this.config.slowCallRateThreshold !== false && this.now - call.startedAt > this.config.slowCallDuration;
    if (failure) this.#failed++;
    else this.#successful++;
    if (slow) this.#slow++;
    // A stale outcome "is counted in metrics but does not decide the trial" (nor feeds the rules).
    if (!current) return;

    if (this.#state === 'half_open') {
      this.#trialsRunning--;
      // "one failed trial re-opens it"; "a slow trial in half_open counts as a failed trial".
      if (failure || slow) this.#reopenFromHalfOpen(this.now, true);
      // "successThreshold successful trials close the breaker".
      else if (++this.#trialSuccesses >= this.config.successThreshold) this.#enter('closed');
      return;
    }

    // CLOSED or FORCED_CLOSED (no call is admitted in a generation that is open or forced open).
    this.#window.push({ failure, slow });
    if (this.#window.length > this.config.windowSize) this.#window.shift();
    this.#consecutiveFailures = failure ? this.#consecutiveFailures + 1 : 0;
    // forceClose(): "record metrics, never trip".
    if (this.#state === 'closed' && this.#tripRuleHolds()) {
      this.#openings = 1;
      this.#openAt(this.now, this.#period(1));
    }
  }

  /** A running call never settles (the test forgets it). */
  abandon(id: number): void {
    this.#pending.delete(id);
  }

  /** `open(durationMs?)`. */
  open(durationMs?: number): void {
    this.#catchUp();
    // "without a duration uses the current open period and does not advance the backoff".
    this.#openings = Math.max(this.#openings, 1);
    const period = durationMs ?? this.#period(this.#openings);
    // Already open: no transition ("no event, no log, no new generation"), only the new deadline.
    if (this.#state === 'open') this.#openUntil = this.now + period;
    else this.#openAt(this.now, period);
  }

  forceOpen(): void {
    this.#catchUp();
    this.#enter('forced_open');
  }

  forceClose(): void {
    this.#catchUp();
    this.#enter('forced_closed');
  }

  /** "reset() returns to CLOSED and clears everything, the cumulative totals of metrics() included". */
  reset(): void {
    // "reset() always starts a new generation".
    this.#state = 'closed';
    this.#generation++;
    for (const call of this.#pending.values()) call.dropped = true;
    this.#successful = 0;
    this.#failed = 0;
    this.#rejected = 0;
    this.#ignored = 0;
    this.#slow = 0;
    this.#transitions = 0;
    this.#window = [];
    this.#consecutiveFailures = 0;
    this.#openings = 0;
    this.#trialsRunning = 0;
    this.#trialSuccesses = 0;
    this.#trialDeadline = Number.POSITIVE_INFINITY;
  }

  // ---- internals -------------------------------------------------------------------------------

  #run(): ModelAdmission {
    const id = this.#nextId++;
    this.#pending.set(id, { generation: this.#generation, startedAt: this.now, dropped: false });
    return { admitted: true, id };
  }

  /** Applies, at the moment each fell due, every time-driven transition up to `now`. */
  #catchUp(): void {
    for (;;) {
      if (this.#state === 'open' && this.now >= this.#openUntil) {
        // "After the open period it becomes HALF_OPEN."
        this.#enter('half_open');
      } else if (this.#state === 'half_open' && this.now >= this.#trialDeadline) {
        // "If no decision is reached within halfOpenTimeout the breaker re-opens"; "it grows the
        // backoff only if a trial had not settled (hung)". It re-opens at the deadline, not later.
        this.#reopenFromHalfOpen(this.#trialDeadline, this.#trialsRunning > 0);
      } else {
        return;
      }
    }
  }

  /** CLOSED: "It opens when ANY configured trip condition holds", gated by `minimumCalls`. */
  #tripRuleHolds(): boolean {
    const c = this.config;
    const calls = this.#window.length;
    if (calls < c.minimumCalls) return false;
    const failures = this.#window.filter((entry) => entry.failure).length;
    const slowCalls = this.#window.filter((entry) => entry.slow).length;
    if (c.failureThreshold !== false && this.#consecutiveFailures >= c.failureThreshold) return true;
    if (c.failureRateThreshold !== false && failures / calls >= c.failureRateThreshold) return true;
    if (c.slowCallRateThreshold !== false && slowCalls / calls >= c.slowCallRateThreshold) return true;
    return false;
  }

  /** The backoff "grows each time the breaker re-opens from HALF_OPEN without closing in between". */
  #reopenFromHalfOpen(at: number, grow: boolean): void {
    this.#openings = grow ? Math.max(this.#openings, 1) + 1 : Math.max(this.#openings, 1);
    this.#openAt(at, this.#period(this.#openings));
  }

  /** "resetTimeout × multiplier^(attempt-1), capped" (jitter 0). */
  #period(attempt: number): number {
    const backoff = this.config.backoff;
    if (backoff === false) return this.config.resetTimeout;
    return Math.min(this.config.resetTimeout * backoff.multiplier ** (attempt - 1), backoff.max);
  }

  #openAt(at: number, period: number): void {
    this.#enter('open');
    this.#openUntil = at + period;
    this.#catchUp();
  }

  #enter(to: ModelState): void {
    // "A transition into the state the breaker is already in is no transition".
    if (to === this.#state) return;
    this.#state = to;
    // "every transition starts a new generation".
    this.#generation++;
    this.#transitions++;
    this.#trialsRunning = 0;
    this.#trialSuccesses = 0;
    this.#trialDeadline = Number.POSITIVE_INFINITY;
    // "Entering CLOSED clears the window and the consecutive count; entering OPEN keeps them frozen,
    // so an open breaker still shows the failures and rate that tripped it; HALF_OPEN counts its
    // trials in its round, not in the window".
    if (to === 'closed') {
      this.#window = [];
      this.#consecutiveFailures = 0;
    }
    // The backoff "resets on close".
    if (to === 'closed') this.#openings = 0;
  }
}
