import type { CircuitState } from './CircuitState.js';
import { expected } from './options/describe.js';

/**
 * The saved state of a breaker, from `breaker.toJSON()`, to restore with the `initialState` option
 * (serverless cold starts, restarts). Plain JSON.
 */
export interface CircuitBreakerSnapshot {
  /** Format version. */
  readonly version: 1;
  readonly name: string;
  readonly state: CircuitState;
  /** Ms of the open period left when saved (0 unless open). */
  readonly remainingOpenMs: number;
  /** Openings in a row without closing (drives the backoff). */
  readonly backoffAttempt: number;
  /** Epoch ms when saved (`clock.wallNow()`). */
  readonly savedAt: number;
}

const STATES: ReadonlySet<string> = new Set(['closed', 'open', 'half_open', 'forced_open', 'forced_closed']);

/** @internal Validates an `initialState` option, throwing the standard errors. */
export function validateSnapshot(value: unknown): CircuitBreakerSnapshot {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(expected('initialState', 'an object from `breaker.toJSON()`', value));
  }
  const snapshot = value as Record<string, unknown>;
  if (typeof snapshot.state !== 'string' || !STATES.has(snapshot.state)) {
    throw new TypeError(expected('initialState.state', 'a circuit state such as "open"', snapshot.state));
  }
  for (const key of ['remainingOpenMs', 'backoffAttempt', 'savedAt'] as const) {
    const field = snapshot[key];
    if (typeof field !== 'number' || !Number.isFinite(field) || field < 0) {
      throw new TypeError(expected(`initialState.${key}`, 'a finite number >= 0', field));
    }
  }
  return snapshot as unknown as CircuitBreakerSnapshot;
}
