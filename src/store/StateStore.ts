import type { CircuitState } from '../CircuitState.js';
import type { TransitionReason } from '../events.js';
import type { ResolvedOptions } from '../options.js';

/**
 * The outcome of one admitted call as a store receives it, coded as a small integer so that
 * reporting it allocates nothing: bit 0 = failure, bit 1 = slow.
 */
export const Outcome = Object.freeze({
  /** A success. */
  Success: 0,
  /** A failure. */
  Failure: 1,
  /** A success slower than `slowCallDuration`. */
  SlowSuccess: 2,
  /** A failure slower than `slowCallDuration`. */
  SlowFailure: 3,
} as const);
/** See {@link Outcome}. */
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** A transition made by this instance: a local trip, a half-open decision, or manual control. */
export interface LocalTransition {
  /** The state it left. */
  readonly from: CircuitState;
  /** The state it entered. */
  readonly to: CircuitState;
  /** Why. */
  readonly reason: TransitionReason;
  /** The generation the transition started. */
  readonly generation: number;
  /**
   * The fleet epoch this instance held when it decided (0 before it has heard from the store). A
   * store drops a decision made under an older epoch than the fleet's: a slow or partitioned
   * instance cannot override a newer decision.
   */
  readonly epoch: number;
  /** For `open`: how long the open period lasts, in ms. */
  readonly openFor?: number;
  /** For `open`: the backoff attempt of this opening (1 = the first of a run). */
  readonly backoffAttempt?: number;
}

/** State decided elsewhere (another instance, the shared rules, an operator), applied to the local breaker. */
export interface RemoteState {
  /** The fleet's state. */
  readonly state: CircuitState;
  /**
   * The fleet's epoch: a counter kept per breaker in the store, raised by every shared transition.
   * The breaker applies a remote state only when its epoch is newer than the one it holds, so a
   * late message can never undo a newer decision. A store may therefore deliver an instance's own
   * decisions back to it: they carry the epoch the store gave them and change nothing else.
   */
  readonly epoch: number;
  /** For `open`: ms until the open period ends, already converted to this instance's clock. */
  readonly retryAfter?: number;
  /** For `open`: the fleet's backoff attempt, so that a re-opening here grows the same sequence. */
  readonly backoffAttempt?: number;
  /** Why; `'reset'` also clears the local counts and metrics, as a local `reset()` would. */
  readonly reason?: TransitionReason;
  /** For `open` and `forced_open`: the instance whose decision opened the fleet, when the store knows. */
  readonly openedBy?: string;
}

/**
 * What a store may call on a breaker it has bound. Both methods never throw and are cheap: a store
 * may call them from timers, socket callbacks and subscriber messages.
 */
export interface BoundBreaker {
  /** The breaker's name. */
  readonly name: string;
  /** Applies state decided elsewhere (ignored unless its epoch is newer than the breaker's). */
  apply(remote: RemoteState): void;
  /**
   * Reports a storage failure: the breaker emits `storeError` and logs it at `warn`, and goes on
   * with its local state. A store should report a failure once per episode (a connection lost, a
   * script refused), not once per command.
   */
  storeError(error: unknown): void;
}

/**
 * A breaker's connection to a store. The breaker calls these synchronously on its own paths and
 * never awaits them: a store buffers and flushes in the background. Every call is guarded: a
 * binding that throws is reported as a `storeError` and the breaker goes on with its local state.
 */
export interface StoreBinding {
  /** An outcome of a call admitted in `generation` (stale outcomes are not reported). */
  record(outcome: Outcome, generation: number): void;
  /** This instance changed state on its own (a trip, a half-open decision, manual control). */
  transition(change: LocalTransition): void;
  /**
   * May this instance run a half-open trial now? `false` refuses the call (fail fast). Called once
   * per admission in half-open, so it must answer from local knowledge (a lease held or not) and
   * ask the fleet in the background. A store that cannot reach the fleet answers `true`: the local
   * rule decides. A throwing `trialPermit` counts as `true`.
   */
  trialPermit(generation: number): boolean;
  /** The breaker is disposed (or its registry closed): flush what is pending for it and forget it. */
  release(): void;
}

/**
 * Shares breaker state across instances (see `breakwater/redis`, and `MemoryStore` for breakers in
 * one process). The in-memory default needs none. One store may serve several breakers and
 * registries; its owner closes it.
 */
export interface StateStore {
  /**
   * Connects a breaker. `breaker.apply` may be called at any time with state decided elsewhere.
   * @param name - The breaker's name, unique in the store's namespace.
   * @param options - The breaker's effective options (the store evaluates the shared rules with them).
   * @param breaker - What the store may call on the breaker.
   */
  bind(name: string, options: ResolvedOptions, breaker: BoundBreaker): StoreBinding;
  /** Flushes what is buffered and stops. */
  close(): Promise<void>;
}

/** A command of {@link StoreAdmin.control}: manual control applied to every instance of the fleet. */
export type FleetCommand = 'open' | 'force_open' | 'force_close' | 'reset';

/** One breaker as the fleet shares it ({@link StoreAdmin.list}). */
export interface FleetStatus {
  /** The breaker's name. */
  readonly name: string;
  /** The shared state (`open` until its `retryAt`, then `half_open`). */
  readonly state: CircuitState;
  /** The shared epoch (see {@link RemoteState.epoch}). */
  readonly epoch: number;
  /** Why the shared state last changed, when known. */
  readonly reason: TransitionReason | null;
  /** Epoch ms (the store's clock) when the fleet opened, while open or forced open; else `null`. */
  readonly openedAt: number | null;
  /** Epoch ms (the store's clock) when an open breaker admits trials; else `null`. */
  readonly retryAt: number | null;
  /** The backoff attempt of the current or last opening (0 after closing). */
  readonly backoffAttempt: number;
  /** Calls the fleet reported in the shared window. */
  readonly windowCalls: number;
  /** Failures the fleet reported in the shared window. */
  readonly failures: number;
  /** Slow calls the fleet reported in the shared window. */
  readonly slowCalls: number;
  /** failures / windowCalls (0 when empty). */
  readonly failureRate: number;
  /** slowCalls / windowCalls (0 when empty). */
  readonly slowCallRate: number;
  /** Instances bound to this breaker now (presence keys). */
  readonly instances: number;
}

/**
 * Fleet-wide reading and control without binding a breaker: what the CLI and the fleet dashboard
 * use. `RedisStore` and `MemoryStore` implement it.
 */
export interface StoreAdmin {
  /** Every breaker the store knows in its namespace, by name. */
  list(): Promise<FleetStatus[]>;
  /**
   * Applies manual control to every instance of the fleet.
   * @param name - A breaker the store knows.
   * @param command - What to do.
   * @param openFor - For `open`: ms to stay open (default: the breaker's current open period).
   * @throws (rejects) an Error when no instance has the breaker (nothing to control).
   */
  control(name: string, command: FleetCommand, openFor?: number): Promise<void>;
}
