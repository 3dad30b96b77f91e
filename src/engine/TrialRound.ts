/**
 * @internal One half-open round: the trials in flight, the successes so far, and the deadline set by
 * the first trial admitted (`halfOpenTimeout`). A fresh round starts with every entry into half-open,
 * so breakers that never recover pay nothing for it.
 */
export class TrialRound {
  inFlight = 0;
  successes = 0;
  deadline = Number.POSITIVE_INFINITY;

  /** Whether every trial slot is taken. */
  full(maxCalls: number): boolean {
    return this.inFlight >= maxCalls;
  }

  /** Takes a slot; returns whether this was the first trial (the deadline was just set). */
  take(now: number, timeout: number): boolean {
    this.inFlight++;
    if (this.deadline !== Number.POSITIVE_INFINITY) return false;
    this.deadline = now + timeout;
    return true;
  }
}
