import type { Clock } from '../../clock/Clock.js';
import type { StateStore, StoreAdmin } from '../StateStore.js';

/** Options every store under contract must take. */
export interface HarnessOptions {
  /** Instances that must trip locally before the fleet opens. @default 1 */
  quorum?: number;
}

/**
 * One fleet under test: stores for its instances, an admin view, and the way time passes. The
 * contract suite runs the same tests against every store through this interface.
 */
export interface FleetHarness {
  /** The clock the breakers of this fleet use (a `FakeClock` for an in-process store). */
  readonly clock: Clock;
  /** The store a new instance of the fleet binds its breakers to (a new process's store, for Redis). */
  instance(): StateStore;
  /** Fleet-wide reading and control. */
  readonly admin: StoreAdmin;
  /**
   * Waits until `condition` holds: advances a fake clock step by step, or polls in real time, up
   * to a generous deadline; then rejects naming `what`.
   */
  until(condition: () => boolean | Promise<boolean>, what: string): Promise<void>;
  /** Lets every outcome and transition reported so far reach the fleet (and its answers come back). */
  sync(): Promise<void>;
  /** Closes every store it made and frees what the fleet used. */
  close(): Promise<void>;
}
