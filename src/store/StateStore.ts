import type { CircuitState } from '../CircuitState.js';
import type { TransitionReason } from '../events.js';
import type { ResolvedOptions } from '../options.js';

/**
 * The outcome of one admitted call as a store receives it, coded as a small integer so that
 * reporting it allocates nothing: bit 0 = failure, bit 1 = slow.
 */
export const Outcome = Object.freeze({ Success: 0, Failure: 1, SlowSuccess: 2, SlowFailure: 3 } as const);
/** See {@link Outcome}. */
export type Outcome = (typeof Outcome)[keyof typeof Outcome];

/** A transition made by this instance: a local trip or manual control. */
export interface LocalTransition {
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly reason: TransitionReason;
  /** The generation the transition started. */
  readonly generation: number;
  /** For `open`: how long the open period lasts, in ms. */
  readonly openFor?: number;
}

/** State decided elsewhere (another instance, or the shared rules), applied to the local breaker. */
export interface RemoteState {
  readonly state: CircuitState;
  /** For `open`: ms until the open period ends, already converted to this instance's clock. */
  readonly retryAfter?: number;
  /** Why; `'reset'` also clears the local counts and metrics, as a local `reset()` would. */
  readonly reason?: TransitionReason;
}

/**
 * A breaker's connection to a store. The breaker calls these synchronously on its own paths and
 * never awaits them: a store buffers and flushes in the background.
 */
export interface StoreBinding {
  /** An outcome of a call admitted in `generation` (stale outcomes are not reported). */
  record(outcome: Outcome, generation: number): void;
  /** This instance changed state on its own (a trip, a half-open decision, manual control). */
  transition(change: LocalTransition): void;
  /** May this instance run a half-open trial now? `false` refuses the call (fail fast). */
  trialPermit(generation: number): boolean;
  /** The breaker is disposed. */
  release(): void;
}

/**
 * Shares breaker state across instances (see `breakwater/redis`). The in-memory default needs none.
 */
export interface StateStore {
  /**
   * Connects a breaker. `apply` may be called at any time with state decided elsewhere.
   * @param name - The breaker's name, unique in the store's namespace.
   * @param options - The breaker's effective options.
   * @param apply - Applies remote state to the local breaker.
   */
  bind(name: string, options: ResolvedOptions, apply: (remote: RemoteState) => void): StoreBinding;
  /** Flushes what is buffered and stops. */
  close(): Promise<void>;
}
