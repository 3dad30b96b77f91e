/**
 * The states of a breaker. `closed`: calls pass. `open`: calls fail fast. `half_open`: a few trial
 * calls test recovery. `forced_open` / `forced_closed`: set by an operator until `reset()`.
 */
export type CircuitState = 'closed' | 'open' | 'half_open' | 'forced_open' | 'forced_closed';

/** Named constants for {@link CircuitState}. */
export const CircuitState = Object.freeze({
  /** Calls pass; outcomes are counted. */
  Closed: 'closed',
  /** Calls fail fast until the open period ends. */
  Open: 'open',
  /** A few trial calls test recovery. */
  HalfOpen: 'half_open',
  /** Every call is refused until `reset()`. */
  ForcedOpen: 'forced_open',
  /** Every call is admitted and counted, never tripping, until `reset()`. */
  ForcedClosed: 'forced_closed',
} as const);
