import type { LocalTransition, Outcome, StoreBinding } from '../store/StateStore.js';

/** @internal Where a failing binding is reported (the breaker's `storeError` event and log). */
export interface StoreErrorSink {
  storeError(error: unknown): void;
}

/**
 * @internal A breaker's guarded connection to its store binding: whatever the binding throws is
 * reported and the breaker goes on with its local state (a throwing `trialPermit` counts as a
 * permit). It holds the fleet epoch the breaker has applied. Created only for breakers with a store.
 */
export class StoreLink {
  #binding: StoreBinding = UNBOUND;
  readonly #sink: StoreErrorSink;
  /** The fleet epoch of the last remote state applied (0 before any). */
  #epoch = 0;

  /** Made before the store binds: a store may apply the fleet's state from within `bind()`. */
  constructor(sink: StoreErrorSink) {
    this.#sink = sink;
  }

  /** The binding the store returned. */
  connect(binding: StoreBinding): void {
    this.#binding = binding;
  }

  record(outcome: Outcome, generation: number): void {
    try {
      this.#binding.record(outcome, generation);
    } catch (error) {
      this.#sink.storeError(error);
    }
  }

  /** Takes the epoch of a remote state if it is newer than the one held; says whether it was. */
  acceptEpoch(epoch: number): boolean {
    if (!(epoch > this.#epoch)) return false;
    this.#epoch = epoch;
    return true;
  }

  /** A local transition, tagged with the epoch it was decided under. */
  transition(change: Omit<LocalTransition, 'epoch'>): void {
    try {
      this.#binding.transition({ ...change, epoch: this.#epoch });
    } catch (error) {
      this.#sink.storeError(error);
    }
  }

  trialPermit(generation: number): boolean {
    try {
      return this.#binding.trialPermit(generation) !== false;
    } catch (error) {
      this.#sink.storeError(error);
      return true;
    }
  }

  release(): void {
    try {
      this.#binding.release();
    } catch (error) {
      this.#sink.storeError(error);
    }
  }
}

/** The binding before `bind()` returned: nothing to tell yet, and trials follow the local rule. */
const UNBOUND: StoreBinding = {
  record() {},
  transition() {},
  trialPermit: () => true,
  release() {},
};
