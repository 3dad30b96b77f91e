import type { CircuitState } from '../CircuitState.js';
import { countsAsFailure, isResultFailure } from '../call/classify.js';
import { follow } from '../call/invoke.js';
import { schedulerFor, type TimeoutScheduler } from '../call/TimeoutScheduler.js';
import type { Clock } from '../clock/Clock.js';
import type { CircuitBreakerError } from '../errors/CircuitBreakerError.js';
import type { CircuitBreakerEventName, CircuitBreakerEvents, Listener } from '../events.js';
import type { CircuitBreakerMetrics } from '../metrics.js';
import { resetOwnerOf } from '../options/sharedOptions.js';
import type { ResolvedOptions } from '../options.js';
import type { SavedBaseline } from '../snapshot.js';
import { type BoundBreaker, Outcome, type RemoteState, type StateStore } from '../store/StateStore.js';
import { Announcer } from './Announcer.js';
import { Automaton, TRIAL } from './Automaton.js';
import { metricsSnapshot } from './metricsSnapshot.js';
import { Prober } from './Prober.js';
import { Recorder } from './Recorder.js';
import {
  REFUSED_BULKHEAD,
  REFUSED_DISPOSED,
  REFUSED_HALF_OPEN,
  REFUSED_THROTTLED,
  type RefusalMessages,
  refusalError,
  rejectionReason,
} from './refusals.js';
import { StoreLink } from './StoreLink.js';
import { Throttle } from './Throttle.js';

/** Client-side throttling and the active recovery check, each only when configured. */
interface Protection {
  readonly throttle: Throttle | undefined;
  readonly prober: Prober | undefined;
}

/** {@link Engine}'s flag: calls need more than the fast path (a breaker-level timeout or fallback). */
const SLOW_PATH = 1;
/** {@link Engine}'s flag: disposed; every later call is refused. */
const DISPOSED = 2;

/**
 * @internal A breaker's engine. It alone admits calls and counts the calls in flight, and every call
 * path (the fast path, `Call`, `Permit`) settles through its `settle*` methods, each of which frees
 * the call's slot exactly once. It owns the parts and wires them by passing itself:
 * the {@link Automaton} (state), the {@link Recorder} (counts, latency), the {@link Announcer}
 * (events, logs; created only for a breaker with a logger or a listener) and the {@link StoreLink}
 * (only with a store). Data flows one way: call → engine → automaton → transition → recorder,
 * store, deadline timer, announcer.
 */
export class Engine {
  readonly name: string;
  readonly options: ResolvedOptions;
  readonly automaton: Automaton;
  readonly recorder: Recorder;
  /** {@link SLOW_PATH} and {@link DISPOSED}, in one field (a breaker's memory is counted in fields). */
  #flags: number;
  #announcer: Announcer | undefined = undefined;
  #store: StoreLink | undefined = undefined;
  /** Throttling and the recovery probe: one field, `undefined` unless either is configured. */
  readonly #protection: Protection | undefined;
  #inFlight = 0;
  /**
   * The fast path's outcome handlers of generation {@link Engine.#handlersGeneration}, kept from a
   * generation's second fast call on: a breaker used once (most keyed breakers) keeps no closures.
   * Fields of their own rather than an object holding both: a breaker's memory is counted in fields.
   */
  #ok: ((value: unknown) => void) | undefined = undefined;
  #fail: ((error: unknown) => void) | undefined = undefined;
  /** The generation the handlers belong to, or that served one fast call before they were kept. */
  #handlersGeneration = -1;

  constructor(name: string, options: ResolvedOptions) {
    this.name = name;
    this.options = options;
    this.#flags = options.timeout !== false || options.fallback !== undefined ? SLOW_PATH : 0;
    if (options.logger !== undefined) this.#announcer = new Announcer(this);
    this.#protection =
      options.throttle === false && options.probe === undefined
        ? undefined
        : {
            throttle: options.throttle === false ? undefined : new Throttle(options, options.throttle),
            prober: options.probe === undefined ? undefined : new Prober(this, options.probe),
          };
    this.recorder = new Recorder(this);
    this.automaton = new Automaton(this);
  }

  get clock(): Clock {
    return this.options.clock;
  }

  /** Exists only for a breaker with a logger or a listener. */
  get announcer(): Announcer | undefined {
    return this.#announcer;
  }

  /** Exists only for a breaker with a store. */
  get store(): StoreLink | undefined {
    return this.#store;
  }

  /** Exists only for a breaker that throttles. */
  get throttle(): Throttle | undefined {
    return this.#protection?.throttle;
  }

  /** Exists only for a breaker with a probe. */
  get prober(): Prober | undefined {
    return this.#protection?.prober;
  }

  get inFlight(): number {
    return this.#inFlight;
  }

  /** Whether calls need more than the fast path (a breaker-level timeout or fallback). */
  get slowPath(): boolean {
    return (this.#flags & SLOW_PATH) !== 0;
  }

  get disposed(): boolean {
    return (this.#flags & DISPOSED) !== 0;
  }

  /** Whether anything wants transitions on time (a listener, a logger, a store, a probe). */
  observed(): boolean {
    return (
      !this.disposed &&
      (this.options.logger !== undefined ||
        this.#store !== undefined ||
        this.#protection?.prober !== undefined ||
        (this.#announcer?.listeners ?? 0) > 0)
    );
  }

  // ---- wiring ------------------------------------------------------------------------------------

  on<K extends CircuitBreakerEventName>(event: K, listener: Listener<CircuitBreakerEvents[K]>): () => void {
    return (this.#announcer ??= new Announcer(this)).on(event, listener);
  }

  /** The announcer's listeners changed: timing and the deadline timer follow. */
  listenersChanged(): void {
    this.recorder.listenersChanged();
    this.automaton.rearm();
  }

  /** Connects a store; from now on outcomes and transitions reach it. A failing `bind()` is a storeError. */
  bind(store: StateStore): void {
    const bound: BoundBreaker = {
      name: this.name,
      apply: (remote) => this.applyRemote(remote),
      storeError: (error) => this.storeError(error),
    };
    const link = new StoreLink(this);
    this.#store = link;
    try {
      link.connect(store.bind(this.name, this.options, bound));
    } catch (error) {
      this.#store = undefined;
      this.storeError(error);
      return;
    }
    this.automaton.rearm();
  }

  // ---- admission ---------------------------------------------------------------------------------

  /** Admits a call: returns its generation, or a negative `REFUSED_*` code. Never throws. */
  admit(): number {
    if (this.disposed) return REFUSED_DISPOSED;
    const automaton = this.automaton;
    const state = automaton.state;
    if (state !== 'closed' && state !== 'forced_closed') {
      const gate = automaton.gate();
      if (gate < 0) return gate;
      if (gate === TRIAL) return this.admitTrial();
    }
    if (this.#inFlight >= this.options.maxConcurrentCalls) return REFUSED_BULKHEAD;
    const throttle = this.#protection?.throttle;
    if (throttle !== undefined && state === 'closed' && throttle.refuses(this.clock.now()))
      return REFUSED_THROTTLED;
    this.#inFlight++;
    return automaton.generation;
  }

  /** {@link Engine.admit} in half-open: a trial slot, the store's permit, the bulkhead. */
  admitTrial(): number {
    const automaton = this.automaton;
    if (!automaton.trialSlotFree()) return REFUSED_HALF_OPEN;
    if (this.#store !== undefined && !this.#store.trialPermit(automaton.generation)) return REFUSED_HALF_OPEN;
    if (this.#inFlight >= this.options.maxConcurrentCalls) return REFUSED_BULKHEAD;
    this.#inFlight++;
    automaton.takeTrial();
    return automaton.generation;
  }

  /** Would a call be admitted now? Applies a due transition; admits nothing, takes no trial slot. */
  available(): boolean {
    return !this.disposed && this.automaton.admits() && this.#inFlight < this.options.maxConcurrentCalls;
  }

  /** Counts a refusal and builds the error for it (without a stack on the open paths). */
  refuse(code: number): CircuitBreakerError {
    this.countRefused(code);
    return refusalError(code, this.name, this, this.options.maxConcurrentCalls);
  }

  /** The refusal messages (kept with the automaton's open period). */
  refusalMessages(name: string): RefusalMessages {
    return this.automaton.refusalMessages(name);
  }

  /** Ms until the open period ends, as of the last refusal. */
  retryAfter(): number {
    return this.automaton.retryAfter();
  }

  /** The throttle's rejection probability now (0 without one). */
  throttleProbability(): number {
    return this.#protection?.throttle?.probability(this.clock.now()) ?? 0;
  }

  /** Counts a refusal without building its error (`tryAcquire()` returns `undefined`). */
  countRefused(code: number): void {
    this.recorder.reject(rejectionReason(code));
  }

  /**
   * Settles a fast-path call admitted in `generation` when `result` (a native promise, or a thenable
   * when not `native`) settles, with handlers made once per generation (from its second call on),
   * so that the fast path allocates no closure per call. Returns the caller's promise; never throws.
   */
  observe<T>(result: unknown, generation: number, native: boolean): Promise<T> {
    if (generation === this.#handlersGeneration) {
      const ok = this.#ok;
      if (ok !== undefined) return follow<T>(result, native, ok, this.#fail!);
    }
    const ok = (value: unknown): void => this.settleValue(generation, Number.NaN, value);
    const fail = (error: unknown): void => this.settleError(generation, Number.NaN, error);
    if (generation === this.automaton.generation) {
      if (generation === this.#handlersGeneration) {
        this.#ok = ok;
        this.#fail = fail;
      } else {
        this.#handlersGeneration = generation;
        this.#ok = undefined;
        this.#fail = undefined;
      }
    }
    return follow<T>(result, native, ok, fail);
  }

  /** The timeout scheduler shared by every breaker on this breaker's clock. */
  scheduler(): TimeoutScheduler {
    return schedulerFor(this.options.clock);
  }

  // ---- settling: each admitted call settles exactly once, through one of these ----------------------
  // Each frees the call's slot first and never throws: a fault in the bookkeeping after it (a
  // window that cannot be allocated, a clock or a listener that throws where nothing guards it) is
  // reported, the call's half-open trial slot is given back, and the caller's promise settles.

  /** A call resolved with `value` (which `isResultFailure` may still mark as a failure). */
  settleValue(generation: number, start: number, value: unknown): void {
    this.#inFlight--;
    try {
      if (this.options.isResultFailure !== undefined && isResultFailure(this.options, value, this)) {
        this.countFailure(generation, start, value, false);
      } else {
        this.countSuccess(generation, start);
      }
    } catch (fault) {
      this.settleFault(fault, generation);
    }
  }

  /** A call threw `error`: a failure, or ignored when classification says it is not one. */
  settleError(generation: number, start: number, error: unknown): void {
    this.#inFlight--;
    try {
      if (countsAsFailure(this.options, error, this)) {
        this.countFailure(generation, start, error, false);
        return;
      }
      this.ignoredOutcome(generation, error);
      // Not a failure of the dependency: for the throttle, it accepted the call.
      const throttle = this.#protection?.throttle;
      if (throttle !== undefined && this.automaton.state === 'closed') throttle.accept(this.clock.now());
    } catch (fault) {
      this.settleFault(fault, generation);
    }
  }

  /** A call, or a permit, timed out after `timeout` ms: always a failure, recorded at its timeout. */
  settleTimeout(generation: number, start: number, error: unknown, timeout: number): void {
    this.#inFlight--;
    try {
      const announcer = this.#announcer;
      if (generation >= this.automaton.resetGeneration && announcer?.has('timeout')) {
        announcer.emit('timeout', { name: this.name, timeout });
      }
      this.countFailure(generation, start, error, timeout);
    } catch (fault) {
      this.settleFault(fault, generation);
    }
  }

  /** A failure reported without classification (`permit.failure()`, an unsettled permit). */
  settleFailure(generation: number, start: number, error: unknown): void {
    this.#inFlight--;
    try {
      this.countFailure(generation, start, error, false);
    } catch (fault) {
      this.settleFault(fault, generation);
    }
  }

  /** Neither success nor failure: an excluded error, a caller's abort. Frees a trial slot. */
  settleIgnored(generation: number, error: unknown): void {
    this.#inFlight--;
    try {
      this.ignoredOutcome(generation, error);
    } catch (fault) {
      this.settleFault(fault, generation);
    }
  }

  /** Counts a call that was never admitted as ignored (the caller's mistake, or an earlier abort). */
  countIgnored(error: unknown): void {
    this.recorder.ignore(error);
  }

  /** A fallback ran. */
  noteFallback(error: unknown): void {
    this.recorder.fallback(error);
  }

  /** A success of a call admitted in `generation` (its slot already freed). */
  countSuccess(generation: number, start: number): void {
    const automaton = this.automaton;
    if (generation < automaton.resetGeneration) return;
    const slow = this.recorder.success(start);
    const throttle = this.#protection?.throttle;
    if (throttle !== undefined && automaton.state === 'closed') throttle.accept(this.clock.now());
    if (!automaton.isCurrent(generation)) return;
    this.#store?.record(slow ? Outcome.SlowSuccess : Outcome.Success, generation);
    automaton.decide(false, slow);
  }

  /**
   * A failure of a call admitted in `generation` (its slot already freed); `timeout`: the ms after
   * which it timed out, or `false`.
   */
  countFailure(generation: number, start: number, error: unknown, timeout: number | false): void {
    const automaton = this.automaton;
    if (generation < automaton.resetGeneration) return;
    const slow = this.recorder.failure(start, error, timeout);
    if (!automaton.isCurrent(generation)) return;
    this.#store?.record(slow ? Outcome.SlowFailure : Outcome.Failure, generation);
    automaton.decide(true, slow);
  }

  /** An ignored outcome (its slot already freed): counted, and its half-open trial slot freed. */
  ignoredOutcome(generation: number, error: unknown): void {
    if (generation < this.automaton.resetGeneration) return;
    this.recorder.ignore(error);
    this.automaton.releaseTrial(generation);
  }

  /** Settling a call of `generation` threw: reported; its trial slot, if it still holds one, freed. */
  settleFault(fault: unknown, generation: number): void {
    try {
      this.automaton.abandonTrial(generation);
    } catch {
      // Nothing may escape settling.
    }
    this.reportError(fault, 'recording a call failed');
  }

  // ---- what the outside does ---------------------------------------------------------------------

  open(duration: number | undefined): void {
    this.automaton.open(duration);
  }

  force(state: 'forced_open' | 'forced_closed'): void {
    this.automaton.force(state);
  }

  /** Back to closed with every count cleared, cumulative metrics included; counts are cleared first. */
  reset(remote?: RemoteState): void {
    this.automaton.refresh(); // what fell due before the reset belongs to the counts it clears
    resetOwnerOf(this)?.reset(this.metrics(), this.recorder.latencyHistogram());
    this.recorder.clear();
    this.#protection?.throttle?.clear();
    this.automaton.reset(remote);
  }

  /** Applies state decided elsewhere, if its epoch is newer than the one held. */
  applyRemote(remote: RemoteState): void {
    if (this.disposed || this.#store?.acceptEpoch(remote.epoch) !== true) return;
    if (remote.reason === 'reset') this.reset(remote);
    else this.automaton.applyRemote(remote);
  }

  /** Restores a saved state at construction (and what an adaptive rule had learned). */
  restore(
    state: CircuitState,
    remainingOpenMs: number,
    attempt: number,
    baseline: SavedBaseline | undefined,
  ): void {
    this.automaton.restore(state, remainingOpenMs, attempt);
    if (baseline !== undefined) this.automaton.rules.adaptive?.restore(baseline, this.options);
  }

  /** Stops the deadline timer, forgets the listeners, releases the store; later calls are refused. */
  dispose(): void {
    if (this.disposed) return;
    this.#flags |= DISPOSED;
    this.automaton.dispose();
    this.#protection?.prober?.dispose();
    const store = this.#store;
    this.#store = undefined;
    store?.release();
    this.#announcer?.clear();
  }

  // ---- reporting ---------------------------------------------------------------------------------

  /** The `metrics()` snapshot, after applying any transition that is due. */
  metrics(): CircuitBreakerMetrics {
    return metricsSnapshot(this);
  }

  /** Sends an internal failure (a throwing classifier or backoff) to `logger.error`. */
  reportError(error: unknown, what: string): void {
    this.#announcer?.reportError(error, what);
  }

  /** The store failed: a `storeError` event and a `warn` line; the breaker goes on locally. */
  storeError(error: unknown): void {
    this.#announcer?.storeError(error);
  }
}
