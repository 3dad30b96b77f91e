import type { CircuitState } from '../CircuitState.js';
import type { RemoteState } from '../store/StateStore.js';
import { StateMachine } from './StateMachine.js';
import type { StoreLink } from './StoreLink.js';

/**
 * @internal What the outside does to a breaker's state: an operator's manual control (`open`,
 * `forceOpen`, `forceClose`, `reset`), a store (binding it, applying remote state), persistence
 * (`restore`, `saved`) and the timing facts `metrics()` reports. Every change goes through the
 * automaton's transitions, after applying whatever had fallen due.
 */
export abstract class StateControl extends StateMachine {
  /** `open(durationMs?)`: open now; without a duration, for the current period (no backoff step). */
  open(duration: number | undefined): void {
    this.refresh();
    const periods = this.periods();
    const current = periods.current();
    const openFor = duration ?? current;
    const now = this.clock.now();
    if (this.state !== 'open') {
      this.moveTo('open', 'manual_open', now, openFor);
      return;
    }
    periods.until = now + openFor;
    this.arm();
    this.binding?.transition({
      from: 'open',
      to: 'open',
      reason: 'manual_open',
      generation: this.generation,
      epoch: this.epoch,
      openFor,
      backoffAttempt: periods.attempt,
    });
  }

  force(state: 'forced_open' | 'forced_closed'): void {
    this.refresh();
    this.moveTo(state, state === 'forced_open' ? 'force_open' : 'force_close');
  }

  /** Back to closed with everything cleared; calls admitted earlier no longer reach the metrics. */
  reset(fromRemote = false): void {
    this.refresh();
    const from = this.state;
    this.forgetPeriods();
    this.rules.clear();
    if (from !== 'closed') {
      this.moveTo('closed', 'reset', this.clock.now(), 0, fromRemote);
    } else {
      this.generation++;
      if (!fromRemote)
        this.binding?.transition({
          from,
          to: 'closed',
          reason: 'reset',
          generation: this.generation,
          epoch: this.epoch,
        });
    }
    this.resetGeneration = this.generation;
  }

  /** Applies state decided elsewhere; never reported back to the store. */
  applyRemote(remote: RemoteState): void {
    if (this.disposed || !(remote.epoch > this.epoch)) return;
    this.epoch = remote.epoch;
    if (remote.backoffAttempt !== undefined) this.periods().attempt = remote.backoffAttempt;
    if (remote.reason === 'reset') {
      this.reset(true);
      return;
    }
    this.refresh();
    const now = this.clock.now();
    const openFor = remote.retryAfter ?? this.periods().current();
    if (remote.state === 'open' && this.state === 'open') {
      this.periods().until = now + openFor;
      this.arm();
      return;
    }
    this.moveTo(remote.state, 'remote', now, openFor, true);
  }

  /** Restores a saved state at construction (no event: nobody listens yet). */
  restore(state: CircuitState, remainingOpenMs: number, attempt: number): void {
    const periods = this.periods();
    periods.attempt = attempt;
    periods.until = this.clock.now() + remainingOpenMs;
    this.state = state === 'open' && remainingOpenMs <= 0 ? 'half_open' : state;
    this.generation++;
    if (this.state === 'open' || this.state === 'forced_open') periods.openedAtWall = this.wallNow();
  }

  /** Connects a store; from now on outcomes and transitions reach it. */
  bind(binding: StoreLink): void {
    this.binding = binding;
    this.arm();
  }

  /** Epoch ms when the breaker opened (while open or forced open), and when it will admit trials. */
  openTimes(): { openedAt: number | null; retryAt: number | null } {
    const open = this.openPeriod;
    if (open === undefined) return { openedAt: null, retryAt: null };
    const retryAt =
      this.state === 'open' ? this.wallNow() + Math.max(0, open.until - this.clock.now()) : null;
    return { openedAt: open.openedAtWall, retryAt };
  }

  /** Ms of the open period left (0 unless open) and the backoff attempt, for `toJSON()`. */
  saved(): { remainingOpenMs: number; backoffAttempt: number; savedAt: number } {
    const open = this.openPeriod;
    return {
      remainingOpenMs:
        this.state === 'open' && open !== undefined ? Math.max(0, open.until - this.clock.now()) : 0,
      backoffAttempt: open?.attempt ?? 0,
      savedAt: this.wallNow(),
    };
  }

  /** Stops the deadline timer and releases the store binding; later admissions are refused. */
  dispose(): void {
    this.markDisposed();
    const binding = this.binding;
    this.binding = undefined;
    binding?.release();
  }
}
