/**
 * The states of a breaker. `closed`: calls pass. `open`: calls fail fast. `half_open`: a few trial
 * calls test recovery. `forced_open` / `forced_closed`: set by an operator until `reset()`.
 */
export type CircuitState = 'closed' | 'open' | 'half_open' | 'forced_open' | 'forced_closed';

/** Named constants for {@link CircuitState}. */
export const CircuitState = Object.freeze({
  Closed: 'closed',
  Open: 'open',
  HalfOpen: 'half_open',
  ForcedOpen: 'forced_open',
  ForcedClosed: 'forced_closed',
} as const);
