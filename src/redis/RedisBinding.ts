import type { CircuitState } from '../CircuitState.js';
import { openPeriodOrReset } from '../engine/OpenPeriod.js';
import type { ResolvedOptions } from '../options.js';
import type {
  BoundBreaker,
  LocalTransition,
  Outcome,
  RemoteState,
  StoreBinding,
} from '../store/StateStore.js';
import { sharedFailureRate, sharedWindow } from '../store/sharedRules.js';
import type { ClockSync } from './ClockSync.js';
import { HalfOpenLease } from './HalfOpenLease.js';
import { type BreakerKeys, breakerKeys, keyList, sequenceKey } from './keys.js';
import { PendingCounts, type Report } from './PendingCounts.js';
import type { ResolvedRedisOptions } from './RedisStoreOptions.js';
import type { Reply } from './Reply.js';
import { ruleHash } from './ruleHash.js';
import type { Script } from './scripts/Script.js';
import { SCRIPTS } from './scripts/scripts.js';

/** What a binding uses of its {@link RedisStore}. */
export interface BindingHost {
  readonly options: ResolvedRedisOptions;
  readonly clock: ClockSync;
  readonly channel: string;
  /** The store's tick counter (one per `flushInterval`) and the estimated Redis time at the last tick. */
  readonly time: { readonly tick: number; readonly redisNowAtTick: number };
  /** Whether the command connection is up. */
  readonly connected: boolean;
  /** Whether Redis is known to be unreachable (a failure since the last success). */
  readonly unreachable: boolean;
  /** Resolves when the command connection is up; rejects when it fails first. */
  whenConnected(): Promise<void>;
  /** Runs a script; failures are reported (once per episode) and rethrown. */
  run(script: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<Reply>;
  /** Asks for a flush of `binding` as soon as possible (pending failures reached the urgent share). */
  urgent(binding: RedisBinding): void;
  /** Refreshes the namespace's index of breaker names. */
  touch(name: string): void;
  /** The breaker let go of `binding`: its final flush follows. */
  released(binding: RedisBinding): void;
}

const now = (): number => performance.now();

/** A local transition as the binding queues it: with when it was decided (local ms). */
type Decision = LocalTransition & { readonly decidedAt: number };
const MANUAL = new Set(['manual_open', 'force_open', 'force_close', 'reset']);
/** Reports kept for a retry when a flush failed (older ones are dropped: counts may be lost, never doubled). */
const MAX_UNACKED = 4;
/** Local transitions waiting for the one in flight. */
const MAX_QUEUED = 16;

/**
 * One breaker bound to a {@link RedisStore}: its flush buffer and sequence numbers, its queue of
 * local transitions (sent at once, one at a time, each fenced by the epoch), its half-open lease,
 * and what it last heard of the shared state. The breaker calls `record`, `transition` and
 * `trialPermit` synchronously; nothing here awaits on the breaker's path.
 */
export class RedisBinding implements StoreBinding {
  readonly name: string;
  /** Identifies this binding in Redis (presence, sequence numbers, lease, authorship). */
  readonly token: string;
  readonly #host: BindingHost;
  readonly #time: BindingHost['time'];
  readonly #breaker: BoundBreaker;
  readonly #options: ResolvedOptions;
  readonly #keys: string[];
  readonly #reportKeys: string[];
  readonly #width: number;
  readonly #buckets: number;
  /** Ms within which success-only counts are sent: `syncInterval`, or one bucket when that is shorter. */
  readonly #syncEvery: number;
  readonly #urgentAt: number;
  readonly #lease: HalfOpenLease;
  readonly #rules: string;
  readonly pending = new PendingCounts();
  #tick = -1;
  #bucket = 0;
  #seq = 0;
  #unacked: Report[] = [];
  #flushing: Promise<void> | undefined = undefined;
  /** The one flush that follows the one in flight (every caller meanwhile shares it). */
  #again: Promise<void> | undefined = undefined;
  #lastSync = Number.NEGATIVE_INFINITY;
  #lastTouch = Number.NEGATIVE_INFINITY;
  /** The epoch the breaker holds (the binding is the only way it learns one). */
  #epoch = 0;
  #local: CircuitState = 'closed';
  #localUntil = 0;
  #localAttempt = 0;
  #fleet: CircuitState = 'closed';
  #fleetRetryAt = 0;
  #queue: Decision[] = [];
  /**
   * The latest automatic decision (a trip, a half-open verdict) made while Redis was unreachable:
   * sent once it answers again, fenced by the epoch it was made under, so that the fleet's state
   * follows what its instances did meanwhile unless it moved on without them.
   */
  #missed: Decision | undefined = undefined;
  #sending: Promise<void> | undefined = undefined;
  /** Whether the transition being sent is a command (reset, force…): the fleet's state waits for it. */
  #sendingCommand = false;
  /** The epoch this binding's last accepted transition made. */
  #ownEpoch = 0;
  #mismatchReported = false;
  #released = false;

  constructor(
    host: BindingHost,
    name: string,
    token: string,
    options: ResolvedOptions,
    breaker: BoundBreaker,
  ) {
    this.#host = host;
    this.#time = host.time;
    this.name = name;
    this.token = token;
    this.#options = options;
    this.#breaker = breaker;
    const keys: BreakerKeys = breakerKeys(host.options.namespace, name);
    this.#keys = keyList(keys);
    this.#reportKeys = [...this.#keys, sequenceKey(host.options.namespace, name, token)];
    const window = sharedWindow(options);
    this.#width = window.width;
    this.#buckets = window.buckets;
    this.#syncEvery = Math.min(host.options.syncInterval, window.width);
    this.#urgentAt = urgentShare(options);
    this.#lease = new HalfOpenLease(
      Math.max(options.halfOpenTimeout, 4 * host.options.flushInterval),
      host.options.flushInterval,
      (ms) => host.run(SCRIPTS.lease, this.#keys, [this.token, this.#epoch, ms]),
      (reply) => {
        this.#learn(reply, false);
        return this.#released ? undefined : this.#epoch;
      },
    );
    this.#rules = ruleHash(options);
  }

  // ---- the breaker's side ----------------------------------------------------------------------

  record(outcome: Outcome, _generation: number): void {
    if (this.#released) return;
    const time = this.#time;
    if (time.tick !== this.#tick) {
      this.#tick = time.tick;
      this.#bucket = Math.floor(time.redisNowAtTick / this.#width);
    }
    const pending = this.pending;
    const failure = (outcome & 1) === 1;
    pending.add(failure, (outcome & 2) === 2, this.#epoch, this.#bucket);
    if (failure && (pending.failures >= this.#urgentAt || pending.full)) this.#host.urgent(this);
  }

  transition(change: LocalTransition): void {
    if (this.#released) return;
    this.#local = change.to;
    if (change.to === 'open') {
      this.#localUntil = now() + (change.openFor ?? 0);
      this.#localAttempt = change.backoffAttempt ?? 1;
    }
    if (change.to !== 'half_open') this.#lease.drop();
    if (change.reason === 'reset_timeout' || change.reason === 'remote') return;
    const decision: Decision = { ...change, decidedAt: now() };
    if (this.#host.unreachable) {
      if (MANUAL.has(change.reason)) {
        this.#missed = undefined; // an operator's decision here overrides it, and is not replayed
        this.#breaker.storeError(
          new Error(
            `'${change.reason}' of breaker '${this.name}' applies to this instance only: Redis is unreachable`,
          ),
        );
      } else {
        this.#missed = decision;
      }
      return;
    }
    this.#missed = undefined;
    this.#queue.push(decision);
    // Bounded: a breaker flapping faster than Redis answers keeps its latest decisions.
    if (this.#queue.length > MAX_QUEUED) this.#queue.splice(0, this.#queue.length - MAX_QUEUED);
    this.#startDrain();
  }

  #startDrain(): void {
    this.#sending ??= this.#drain().finally(() => {
      this.#sending = undefined;
    });
  }

  trialPermit(_generation: number): boolean {
    const host = this.#host;
    // Redis gone or not answering (its connection is then replaced): the local rule decides.
    if (this.#released || !host.connected || host.unreachable) return true;
    const fleet = this.#fleetView();
    if (fleet === 'closed' || fleet === 'forced_closed') return true; // a local round (quorum, divergence)
    return this.#lease.permit(this.#epoch);
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#host.released(this);
  }

  /** A storage failure, told to the breaker (the store reports once per episode). */
  reportError(error: unknown): void {
    if (!this.#released) this.#breaker.storeError(error);
  }

  get released(): boolean {
    return this.#released;
  }

  // ---- the store's side ------------------------------------------------------------------------

  /** Called every `flushInterval`: flushes what is due, renews a lease in use. */
  onTick(at: number): void {
    const options = this.#host.options;
    const pending = this.pending;
    const unsettled =
      this.#local === 'open' ||
      this.#local === 'half_open' ||
      this.#fleet === 'open' ||
      this.#fleet === 'half_open';
    const sinceSync = at - this.#lastSync;
    if (
      pending.failures > 0 ||
      pending.full ||
      this.#unacked.length > 0 ||
      (unsettled && sinceSync >= options.flushInterval) ||
      (pending.calls > 0 && at - pending.since >= this.#syncEvery) ||
      sinceSync >= options.reconcileInterval
    ) {
      void this.flush();
    }
    if (this.#local === 'half_open') this.#lease.renewIfDue(at);
  }

  /** A transition published by any instance. */
  onMessage(reply: Reply): void {
    if (!this.#released) this.#learn(reply, reply.author === this.token);
  }

  /**
   * Sends what is pending (and any report a failed flush left), and learns the shared state.
   * @returns Resolves once everything recorded before the call has been answered (or failed).
   */
  flush(): Promise<void> {
    if (this.#again !== undefined) return this.#again;
    const busy = this.#sending ?? this.#flushing;
    if (busy !== undefined) {
      // One follow-up, however many ask meanwhile: a tick during a slow flush adds no second wait.
      const next = () => {
        this.#again = undefined;
        return this.flush();
      };
      this.#again = busy.then(next, next);
      return this.#again;
    }
    if (this.#missed !== undefined && this.#host.connected && !this.#host.unreachable) {
      this.#queue.push(this.#missed);
      this.#missed = undefined;
      this.#startDrain();
      return this.flush();
    }
    const flushing = this.#send().finally(() => {
      this.#flushing = undefined;
    });
    this.#flushing = flushing;
    return flushing;
  }

  /** The final flush of a released binding, then it gives up its lease and presence. */
  async leave(): Promise<void> {
    await this.flush();
    if (!this.#host.connected) return;
    await this.#host.run(SCRIPTS.lease, this.#keys, [this.token, this.#epoch, 0]).catch(() => {});
  }

  async #send(): Promise<void> {
    const host = this.#host;
    if (!host.connected) {
      if (host.unreachable) return; // an outage: counts wait in the buffer for the reconnection
      try {
        await host.whenConnected(); // the first connection: what was recorded before it is sent on it
      } catch {
        return;
      }
    }
    const reports = this.#unacked.splice(0);
    if (this.pending.calls > 0) reports.push(this.pending.take(++this.#seq, this.#epoch));
    if (reports.length === 0) reports.push(this.pending.take(0, this.#epoch)); // a resync: counts nothing
    this.#lastSync = now();
    if (this.#lastSync - this.#lastTouch >= host.options.reconcileInterval) {
      this.#lastTouch = this.#lastSync;
      host.touch(this.name);
    }
    const results = await Promise.allSettled(
      reports.map((report) => host.run(SCRIPTS.report, this.#reportKeys, this.#reportArgs(report))),
    );
    for (const [index, result] of results.entries()) {
      if (result.status === 'fulfilled') {
        this.#learn(result.value, false);
        if ((result.value.extra & 2) === 2) host.touch(this.name);
        if ((result.value.extra & 1) === 1 && !this.#mismatchReported) {
          this.#mismatchReported = true;
          this.#breaker.storeError(
            new Error(
              `Instances of breaker '${this.name}' run with different rule options (a rolling deploy?); ` +
                'the shared rules follow each reporter’s own',
            ),
          );
        }
      } else if (reports[index]!.seq > 0) {
        this.#unacked.push(reports[index]!);
      }
    }
    if (this.#unacked.length > MAX_UNACKED) this.#unacked.splice(0, this.#unacked.length - MAX_UNACKED);
  }

  #reportArgs(report: Report): (string | number)[] {
    const options = this.#options;
    const store = this.#host.options;
    return [
      this.name,
      this.#host.channel,
      this.token,
      report.seq,
      report.epoch,
      this.#width,
      this.#buckets,
      store.margin,
      3 * store.reconcileInterval,
      options.failureThreshold === false ? 0 : options.failureThreshold,
      sharedFailureRate(options) || 0,
      options.slowCallRateThreshold === false ? 0 : options.slowCallRateThreshold,
      options.minimumCalls,
      openPeriodOrReset(options, 1),
      store.quorum,
      report.leading,
      report.hadSuccess ? 1 : 0,
      report.trailing,
      this.#rules,
      options.resetTimeout,
      report.slots.length / 5,
      ...report.slots,
    ];
  }

  async #drain(): Promise<void> {
    const host = this.#host;
    if (!host.connected) {
      try {
        await host.whenConnected(); // the first connection: send once it is up
      } catch {
        this.#keepLatest();
        return;
      }
    }
    let seen = 0; // the newest epoch a reply showed, applied or not
    while (this.#queue.length > 0) {
      const change = this.#queue.shift()!;
      const manual = MANUAL.has(change.reason);
      // A command is the latest decision this instance knows of: fenced only by what it has not seen.
      const base = Math.max(change.epoch, this.#ownEpoch, manual ? Math.max(this.#epoch, seen) : 0);
      let reply: Reply;
      this.#sendingCommand = manual;
      try {
        reply = await this.#sendTransition(change, base);
        // It raced a fleet decision it had not seen; made later, it still applies.
        if (manual && reply.verdict === 'stale') reply = await this.#sendTransition(change, reply.epoch);
      } catch {
        this.#queue.unshift(change);
        this.#keepLatest();
        return;
      } finally {
        this.#sendingCommand = false;
      }
      seen = Math.max(seen, reply.epoch);
      if (reply.verdict === 'accepted') this.#ownEpoch = reply.epoch;
      if ((reply.extra & 2) === 2) host.touch(this.name);
      // Automatic decisions queued behind a stale one followed a decision the fleet overrode; commands stay.
      if (reply.verdict === 'stale') this.#queue = this.#queue.filter((next) => MANUAL.has(next.reason));
      this.#learn(reply, reply.verdict === 'accepted');
    }
  }

  /** The queue could not be sent: commands applied locally only; the latest automatic decision waits, fenced. */
  #keepLatest(): void {
    const latest = this.#queue.at(-1);
    if (latest !== undefined) this.#missed = MANUAL.has(latest.reason) ? undefined : latest;
    this.#queue.length = 0;
  }

  #sendTransition(change: Decision, base: number): Promise<Reply> {
    const host = this.#host;
    // An opening ends when it was meant to, however late it reaches Redis (a stall, a replay).
    const until =
      change.to === 'open' && change.openFor !== undefined
        ? Math.round(host.clock.redisNow() - (now() - change.decidedAt) + change.openFor)
        : 0;
    return host.run(SCRIPTS.transition, this.#keys, [
      this.name,
      host.channel,
      this.token,
      host.options.instanceId,
      base,
      change.to,
      change.reason,
      change.openFor ?? -1,
      change.backoffAttempt ?? 0,
      host.options.quorum,
      this.#width * this.#buckets,
      host.options.margin,
      until,
    ]);
  }

  /** Learns the shared state from a reply or message; applies it when its epoch is newer. */
  #learn(reply: Reply, own: boolean): void {
    if (reply.epoch < this.#epoch) return;
    // A command of this instance's on its way overrides what the fleet decided before it landed.
    if (!own && (this.#sendingCommand || this.#queue.some((next) => MANUAL.has(next.reason)))) return;
    this.#fleet = reply.state;
    this.#fleetRetryAt = reply.retryAt;
    if (reply.epoch === this.#epoch) return;
    this.#epoch = reply.epoch;
    this.#lease.drop();
    if (own) {
      // This instance's own decision: the breaker only learns the epoch it was given.
      this.#breaker.apply(this.#localState(reply.epoch));
      return;
    }
    const state = reply.state;
    const remote: RemoteState =
      state === 'open'
        ? {
            state,
            epoch: reply.epoch,
            backoffAttempt: reply.attempt,
            retryAfter: Math.max(0, this.#host.clock.until(reply.retryAt)),
          }
        : { state, epoch: reply.epoch, backoffAttempt: reply.attempt };
    this.#local = state;
    if (state === 'open') {
      this.#localUntil = now() + (remote.retryAfter ?? 0);
      this.#localAttempt = reply.attempt;
    }
    this.#breaker.apply(reply.reason === 'reset' ? { ...remote, reason: 'reset' } : remote);
  }

  #localState(epoch: number): RemoteState {
    const left = this.#localUntil - now();
    if (this.#local === 'open' && left > 0)
      return { state: 'open', epoch, retryAfter: left, backoffAttempt: this.#localAttempt };
    return { state: this.#local === 'open' ? 'half_open' : this.#local, epoch };
  }

  #fleetView(): CircuitState {
    return this.#fleet === 'open' && this.#host.clock.redisNow() >= this.#fleetRetryAt
      ? 'half_open'
      : this.#fleet;
  }
}

/**
 * Pending failures that make a flush urgent: half of what the consecutive rule needs, or half of the
 * failures a rate rule needs at `minimumCalls` (at least 1).
 */
function urgentShare(options: ResolvedOptions): number {
  let share = Number.POSITIVE_INFINITY;
  if (options.failureThreshold !== false) share = Math.ceil(options.failureThreshold / 2);
  const rate = sharedFailureRate(options);
  if (rate !== false) share = Math.min(share, Math.ceil((options.minimumCalls * rate) / 2));
  return Math.max(1, share);
}
