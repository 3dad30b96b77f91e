import type { ResolvedOptions } from '../../options.js';
import type { BoundBreaker, LocalTransition, Outcome, RemoteState, StoreBinding } from '../StateStore.js';
import type { FleetMember, MemoryFleet } from './MemoryFleet.js';

/** A breaker bound to a {@link MemoryStore}: it reports straight into its {@link MemoryFleet}. */
export class MemoryBinding implements StoreBinding, FleetMember {
  /** Unique in its store: `memory-1`, `memory-2`, ... (what `openedBy` names). */
  readonly id: string;
  readonly options: ResolvedOptions;
  readonly #fleet: MemoryFleet;
  readonly #breaker: BoundBreaker;
  #released = false;

  constructor(id: string, fleet: MemoryFleet, options: ResolvedOptions, breaker: BoundBreaker) {
    this.id = id;
    this.#fleet = fleet;
    this.options = options;
    this.#breaker = breaker;
  }

  apply(remote: RemoteState): void {
    if (!this.#released) this.#breaker.apply(remote);
  }

  record(outcome: Outcome, _generation: number): void {
    if (!this.#released) this.#fleet.record(this, (outcome & 1) === 1, (outcome & 2) === 2);
  }

  transition(change: LocalTransition): void {
    if (!this.#released) this.#fleet.transition(this, change);
  }

  trialPermit(_generation: number): boolean {
    return this.#released || this.#fleet.trialPermit(this);
  }

  release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#fleet.leave(this);
  }
}
