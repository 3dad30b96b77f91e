import type { CircuitState } from '../../CircuitState.js';
import type { Clock } from '../../clock/Clock.js';
import { openPeriodOrReset } from '../../engine/OpenPeriod.js';
import type { TransitionReason } from '../../events.js';
import type { ResolvedOptions } from '../../options.js';
import { rate } from '../../window/rate.js';
import type { FleetStatus, LocalTransition, RemoteState } from '../StateStore.js';
import { sharedTrip, sharedWindow } from '../sharedRules.js';

/** One member of a fleet: what a {@link MemoryFleet} may call on a bound breaker. */
export interface FleetMember {
  /** The member's id in its store (`memory-1`): what `openedBy` names. */
  readonly id: string;
  readonly options: ResolvedOptions;
  apply(remote: RemoteState): void;
}

const TRIPS: ReadonlySet<TransitionReason> = new Set(['failure_threshold', 'failure_rate', 'slow_call_rate']);

/**
 * The shared state of one breaker name in a {@link MemoryStore}: epoch, state, open deadline and
 * backoff attempt, the shared window (buckets of the current epoch), the fleet's failure run, the
 * local trips that count towards `quorum`, and the half-open lease. The same rules as the Redis
 * script, evaluated in process on the store's clock.
 */
export class MemoryFleet {
  readonly name: string;
  readonly members = new Set<FleetMember>();
  epoch = 0;
  #state: 'closed' | 'open' | 'forced_open' | 'forced_closed' = 'closed';
  #reason: TransitionReason | null = null;
  #retryAt = 0;
  #openedAt: number | null = null;
  /** While open or forced open: the member whose decision (or report) opened it; `null` for an operator. */
  #openedBy: string | null = null;
  #attempt = 0;
  #period = 0;
  #run = 0;
  /** Bucket id → [calls, failures, slow] of the current epoch. */
  #buckets = new Map<number, [number, number, number]>();
  #width = 6_000;
  #bucketCount = 10;
  /** Member → time of its last local trip, towards `quorum`. */
  readonly #trips = new Map<FleetMember, number>();
  #lease: { holder: FleetMember; until: number; epoch: number } | undefined = undefined;
  #lastOptions: ResolvedOptions | undefined = undefined;
  /** The counts that opened the fleet, shown while it is open (as a local breaker shows its own). */
  #frozen = { calls: 0, failures: 0, slow: 0 };
  #evaluating = false;
  readonly #clock: () => Clock;
  readonly #quorum: number;

  constructor(name: string, quorum: number, clock: () => Clock) {
    this.name = name;
    this.#quorum = quorum;
    this.#clock = clock;
  }

  /** The shared state as a breaker reads it: `open` becomes `half_open` at its deadline. */
  state(now: number): CircuitState {
    return this.#state === 'open' && now >= this.#retryAt ? 'half_open' : this.#state;
  }

  join(member: FleetMember): void {
    this.members.add(member);
    this.#lastOptions ??= member.options;
    const now = this.#clock().now();
    if (this.epoch > 0) member.apply(this.#remote(now, false, true));
  }

  leave(member: FleetMember): void {
    this.members.delete(member);
    this.#trips.delete(member);
    if (this.#lease?.holder === member) this.#lease = undefined;
  }

  /** Adds one outcome to the shared window; the shared rules are evaluated after the current turn. */
  record(member: FleetMember, failure: boolean, slow: boolean): void {
    const now = this.#clock().now();
    this.#lastOptions = member.options;
    const { width, buckets } = sharedWindow(member.options);
    if (width !== this.#width) this.#buckets.clear();
    this.#width = width;
    this.#bucketCount = buckets;
    const id = Math.floor(now / width);
    let bucket = this.#buckets.get(id);
    if (bucket === undefined) {
      this.#prune(id);
      bucket = [0, 0, 0];
      this.#buckets.set(id, bucket);
    }
    bucket[0]++;
    if (failure) {
      bucket[1]++;
      this.#run++;
    } else {
      this.#run = 0;
    }
    if (slow) bucket[2]++;
    if (this.#quorum === 1 && !this.#evaluating) {
      // After the reporting breaker has run its own rules: a local trip keeps its own reason.
      this.#evaluating = true;
      const epoch = this.epoch;
      queueMicrotask(() => this.#evaluate(member, epoch));
    }
  }

  #evaluate(member: FleetMember, epoch: number): void {
    this.#evaluating = false;
    const now = this.#clock().now();
    if (epoch !== this.epoch || this.#state !== 'closed' || !this.members.has(member)) return;
    const reason = sharedTrip(member.options, { ...this.#counts(now), run: this.#run });
    if (reason === undefined) return;
    // No member decided: the shared rules did, on this member's report (it is named as the opener).
    this.#change(undefined, now, {
      state: 'open',
      reason,
      openFor: openPeriodOrReset(member.options, 1),
      attempt: 1,
      openedBy: member.id,
    });
  }

  /** A member's local transition: fenced by its epoch, then applied to the shared state. */
  transition(member: FleetMember, change: LocalTransition): void {
    if (change.reason === 'reset_timeout' || change.reason === 'remote') return;
    const now = this.#clock().now();
    if (change.epoch < this.epoch) {
      member.apply(this.#remote(now, false, true)); // a stale decision: the member learns the newer one
      return;
    }
    const fleet = this.state(now);
    const openFor = change.openFor ?? this.#period;
    const attempt = change.backoffAttempt ?? Math.max(1, this.#attempt);
    if (TRIPS.has(change.reason)) {
      if (this.#quorum > 1) {
        this.#trips.set(member, now);
        const { duration } = sharedWindow(member.options);
        for (const [who, at] of this.#trips) if (at <= now - duration) this.#trips.delete(who);
        if (this.#trips.size < this.#quorum) return;
      }
      if (fleet !== 'closed') return;
      this.#change(member, now, { state: 'open', reason: change.reason, openFor, attempt });
    } else if (change.reason === 'trial_succeeded') {
      if (fleet === 'half_open' || fleet === 'open')
        this.#change(member, now, { state: 'closed', reason: change.reason });
    } else if (change.reason === 'trial_failed' || change.reason === 'half_open_timeout') {
      if (fleet === 'half_open' || fleet === 'open')
        this.#change(member, now, { state: 'open', reason: change.reason, openFor, attempt });
    } else if (change.reason === 'manual_open') {
      this.#change(member, now, { state: 'open', reason: change.reason, openFor, attempt });
    } else if (change.reason === 'force_open' || change.reason === 'force_close') {
      this.#change(member, now, {
        state: change.to as 'forced_open' | 'forced_closed',
        reason: change.reason,
      });
    } else if (change.reason === 'reset') {
      this.#change(member, now, { state: 'closed', reason: 'reset' });
    }
  }

  /** An operator's command (no member decided it: no fencing). */
  control(
    state: 'closed' | 'open' | 'forced_open' | 'forced_closed',
    reason: TransitionReason,
    openFor?: number,
  ): void {
    const now = this.#clock().now();
    const options = this.#lastOptions;
    const period =
      openFor ?? (this.#period > 0 ? this.#period : options === undefined ? 60_000 : options.resetTimeout);
    this.#change(undefined, now, { state, reason, openFor: period, attempt: Math.max(1, this.#attempt) });
  }

  /**
   * May `member` run a half-open trial now? Only while the fleet is half-open, through the lease;
   * while the fleet is closed the member's own round decides (a local divergence, or `quorum` > 1).
   */
  trialPermit(member: FleetMember): boolean {
    const now = this.#clock().now();
    const fleet = this.state(now);
    if (fleet === 'closed' || fleet === 'forced_closed') return true;
    if (fleet !== 'half_open') return false;
    const lease = this.#lease;
    if (lease !== undefined && lease.epoch === this.epoch && lease.holder !== member && now < lease.until)
      return false;
    this.#lease = { holder: member, until: now + member.options.halfOpenTimeout, epoch: this.epoch };
    return true;
  }

  status(now: number, wall: number): FleetStatus {
    const state = this.state(now);
    const { calls, failures, slow } =
      state === 'open' || state === 'forced_open' ? this.#frozen : this.#counts(now);
    const open = this.#state === 'open' || this.#state === 'forced_open';
    return {
      name: this.name,
      state,
      epoch: this.epoch,
      reason: this.#reason,
      openedAt: open ? this.#openedAt : null,
      retryAt: state === 'open' ? wall + (this.#retryAt - now) : null,
      backoffAttempt: this.#attempt,
      windowCalls: calls,
      failures,
      slowCalls: slow,
      failureRate: rate(failures, calls),
      slowCallRate: rate(slow, calls),
      instances: this.members.size,
    };
  }

  #counts(now: number): { calls: number; failures: number; slow: number } {
    const id = Math.floor(now / this.#width);
    let calls = 0;
    let failures = 0;
    let slow = 0;
    for (const [bucketId, bucket] of this.#buckets) {
      if (bucketId <= id - this.#bucketCount || bucketId > id) continue;
      calls += bucket[0];
      failures += bucket[1];
      slow += bucket[2];
    }
    return { calls, failures, slow };
  }

  #prune(id: number): void {
    for (const bucketId of this.#buckets.keys())
      if (bucketId <= id - this.#bucketCount) this.#buckets.delete(bucketId);
  }

  #change(
    author: FleetMember | undefined,
    now: number,
    next: {
      state: 'closed' | 'open' | 'forced_open' | 'forced_closed';
      reason: TransitionReason;
      openFor?: number;
      attempt?: number;
      /** Who opened it, when not `author` (the shared rules tripping on a member's report). */
      openedBy?: string;
    },
  ): void {
    const wasOpen = this.#state === 'open' || this.#state === 'forced_open';
    this.epoch++;
    this.#state = next.state;
    this.#reason = next.reason;
    // (An open moved by hand keeps the counts of the opening before it.)
    if ((next.state === 'open' || next.state === 'forced_open') && !wasOpen) this.#frozen = this.#counts(now);
    this.#buckets = new Map();
    this.#run = 0;
    this.#trips.clear();
    this.#lease = undefined;
    if (next.state === 'open') {
      this.#period = next.openFor ?? this.#period;
      this.#retryAt = now + this.#period;
      this.#attempt = next.attempt ?? 1;
    } else if (next.state === 'closed') {
      this.#attempt = 0;
    }
    const opens = next.state === 'open' || next.state === 'forced_open';
    this.#openedAt = opens ? (this.#clock().wallNow?.() ?? Date.now()) : null;
    this.#openedBy = opens ? (next.openedBy ?? author?.id ?? null) : null;
    const epoch = this.epoch;
    for (const member of [...this.members]) {
      // A member listener may act on the breaker meanwhile: a newer epoch then wins.
      if (epoch !== this.epoch) return;
      member.apply(this.#remote(now, member !== author, member !== author));
    }
  }

  /**
   * The shared state as a member applies it. `withOpenedBy` is false for the member that decided
   * the change: a breaker that opened by its own decision reads `openedBy: null`.
   */
  #remote(now: number, withReason: boolean, withOpenedBy: boolean): RemoteState {
    const state = this.state(now);
    const remote: RemoteState = { state, epoch: this.epoch, backoffAttempt: this.#attempt };
    const retryAfter = state === 'open' ? { retryAfter: Math.max(0, this.#retryAt - now) } : {};
    const reason = withReason && this.#reason === 'reset' ? { reason: 'reset' as const } : {};
    const openedBy = this.#openedBy;
    const by =
      withOpenedBy && openedBy !== null && (state === 'open' || state === 'forced_open') ? { openedBy } : {};
    return { ...remote, ...retryAfter, ...reason, ...by };
  }
}
