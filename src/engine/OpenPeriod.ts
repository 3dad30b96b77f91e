import type { Reporter } from '../call/classify.js';
import type { TransitionReason } from '../events.js';
import { expected } from '../options/describe.js';
import { MAX_TIMER_MS } from '../options/validate.js';
import type { ResolvedOptions } from '../options.js';
import type { DeadlineTimer } from './DeadlineTimer.js';
import { type RefusalMessages, refusalMessages } from './refusals.js';

/**
 * @internal How long a breaker stays open: the backoff attempt (openings in a row without closing),
 * the monotonic deadline of the current open period, when it opened, when it last refused a call
 * (for `retryAfter`), its refusal messages and its deadline timer. Created on a breaker's first opening, so breakers that never open pay
 * nothing for it. Owned by the automaton.
 */
export class OpenPeriod {
  readonly #options: ResolvedOptions;
  readonly #reporter: Reporter;
  /** With a backoff, openings in a row without closing (1 = the first); 1 while open without one; 0 after closing. */
  attempt = 0;
  /** Monotonic ms at which the current open period ends. */
  until = 0;
  /** Monotonic ms of the last refused admission while open. */
  refusedAt = 0;
  /** Epoch ms when the breaker opened, while it is open or forced open; otherwise `null`. */
  openedAtWall: number | null = null;
  /** Why it last opened (see `metrics().openReason`); meaningful while open or forced open. */
  reason: TransitionReason = 'manual_open';
  /** The instance whose decision opened the fleet, for a remote opening; else `null`. */
  openedBy: string | null = null;
  /**
   * The one timer at the next deadline (the period's end, a half-open round's timeout), kept while
   * something observes the breaker. It lives here because a breaker has deadlines only once it has
   * opened; the automaton alone sets it.
   */
  timer: DeadlineTimer | undefined = undefined;
  /** The refusal messages, built on the first refusal. */
  #messages: RefusalMessages | undefined = undefined;

  constructor(options: ResolvedOptions, reporter: Reporter) {
    this.#options = options;
    this.#reporter = reporter;
  }

  /** The period of a trip from closed: the first of a run. */
  first(): number {
    this.attempt = 1;
    return this.#length();
  }

  /**
   * The period of a re-opening from half-open: the next of the run when `grow` and a backoff is
   * configured, else the same again (without backoff every period is the first: the attempt stays 1).
   */
  next(grow: boolean): number {
    this.attempt = Math.max(this.attempt, 1) + (grow && this.#options.backoff !== false ? 1 : 0);
    return this.#length();
  }

  /** The current period, without a backoff step (manual and remote opens). */
  current(): number {
    this.attempt = Math.max(this.attempt, 1);
    return this.#length();
  }

  /** The breaker's refusal messages, built once. */
  messages(name: string): RefusalMessages {
    return (this.#messages ??= refusalMessages(name));
  }

  /** Whole ms until the period ends, as of the last refusal (rounded up: never early). */
  retryAfter(): number {
    return Math.max(0, Math.ceil(this.until - this.refusedAt));
  }

  #length(): number {
    try {
      return openPeriod(this.#options, this.attempt);
    } catch (error) {
      this.#reporter.reportError(error, 'the backoff function failed; using resetTimeout');
      return this.#options.resetTimeout;
    }
  }
}

/**
 * @internal The open period of the `attempt`-th opening in a row (1 = the first): `resetTimeout`, or
 * with backoff `resetTimeout × multiplier^(attempt-1)` capped at `max`, minus a random share of at
 * most `jitter` of that un-jittered value (jitter never compounds). A backoff function's value is
 * capped at the longest timer (2^31-1 ms).
 * @throws RangeError when a backoff function returns something other than a duration.
 */
export function openPeriod(options: ResolvedOptions, attempt: number): number {
  const backoff = options.backoff;
  if (backoff === false) return options.resetTimeout;
  if (typeof backoff === 'function') {
    const ms = backoff(attempt);
    if (typeof ms !== 'number' || !(ms >= 0)) {
      throw new RangeError(expected(`backoff(${attempt})`, 'a duration in ms >= 0', ms));
    }
    return Math.min(ms, MAX_TIMER_MS);
  }
  const base = Math.min(options.resetTimeout * backoff.multiplier ** (attempt - 1), backoff.max);
  return backoff.jitter === 0 ? base : base * (1 - backoff.jitter * options.random());
}

/**
 * @internal {@link openPeriod} for a store deciding a fleet-wide opening: never throws (a failing
 * backoff function gives `resetTimeout`).
 */
export function openPeriodOrReset(options: ResolvedOptions, attempt: number): number {
  try {
    return openPeriod(options, attempt);
  } catch {
    return options.resetTimeout;
  }
}
