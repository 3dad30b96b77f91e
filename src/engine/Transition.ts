import type { CircuitState } from '../CircuitState.js';
import type { TransitionReason } from '../events.js';
import type { WindowCounts } from './TripRules.js';

/** @internal One transition as the automaton made it, for the announcer (logs and listeners). */
export interface Transition {
  readonly from: CircuitState;
  readonly to: CircuitState;
  readonly reason: TransitionReason;
  /** For `open`: the open period in ms. */
  readonly openFor: number;
  /** Monotonic ms at which it happened (a due transition: when it fell due). */
  readonly at: number;
  /** The window before the transition, when a logger wants it. */
  readonly counts: WindowCounts | undefined;
  /** For a remote transition: why the fleet changed state, when the store said. */
  readonly remoteReason: TransitionReason | undefined;
  /** For a remote opening: the instance whose decision opened the fleet, when the store said. */
  readonly openedBy: string | null;
}
