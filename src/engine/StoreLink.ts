import type { LocalTransition, Outcome, StoreBinding } from '../store/StateStore.js';

/** @internal Where a failing binding is reported (the breaker's `storeError` event and log). */
export interface StoreErrorSink {
  storeError(error: unknown): void;
}

/**
 * @internal A breaker's guarded connection to its store binding: whatever the binding throws is
 * reported and the breaker goes on with its local state (a throwing `trialPermit` counts as a
 * permit). Created only for breakers with a store.
 */
export class StoreLink {
  readonly #binding: StoreBinding;
  readonly #sink: StoreErrorSink;

  constructor(binding: StoreBinding, sink: StoreErrorSink) {
    this.#binding = binding;
    this.#sink = sink;
  }

  record(outcome: Outcome, generation: number): void {
    try {
      this.#binding.record(outcome, generation);
    } catch (error) {
      this.#sink.storeError(error);
    }
  }

  transition(change: LocalTransition): void {
    try {
      this.#binding.transition(change);
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
