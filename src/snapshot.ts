import type { CircuitState } from './CircuitState.js';
import { expected } from './options/describe.js';
import { tooLongForTimer } from './options/validate.js';

/**
 * The saved state of a breaker, from `breaker.toJSON()`, to restore with the `initialState` option
 * (serverless cold starts, restarts). Plain JSON.
 */
export interface CircuitBreakerSnapshot {
  /** Format version: 2 (1, without `baseline`, is still read). */
  readonly version: 1 | 2;
  /** The name of the breaker that saved it (a breaker restores only its own snapshot). */
  readonly name: string;
  /** Its state when saved. */
  readonly state: CircuitState;
  /** Ms of the open period left when saved (0 unless open). */
  readonly remainingOpenMs: number;
  /** Openings in a row without closing (drives the backoff). */
  readonly backoffAttempt: number;
  /** Epoch ms when saved (`clock.wallNow()`). */
  readonly savedAt: number;
  /**
   * What an adaptive failure-rate rule had learned (`null` without one), so that a restarted
   * breaker does not learn its dependency again from scratch.
   */
  readonly baseline?: SavedBaseline | null;
}

/**
 * An adaptive rule's learned baseline, in a snapshot. Snapshots of the first adaptive rule (with
 * `evaluations` and no `learned`) are still read: the rate and the calls carry over, and it counts
 * as learned when it had made its warm-up's evaluations.
 */
export interface SavedBaseline {
  /** The learned normal failure rate, in [0, 1]. */
  readonly failureRate: number;
  /** Calls behind it (a decayed count). */
  readonly calls: number;
  /** Whether it had seen 10 windows' worth of calls (the detector was on). */
  readonly learned?: boolean;
  /**
   * @deprecated Written by the first adaptive rule only: its evaluations while learning, read in
   * place of `learned` when that is absent.
   */
  readonly evaluations?: number;
}

const STATES: ReadonlySet<string> = new Set(['closed', 'open', 'half_open', 'forced_open', 'forced_closed']);
/** The snapshot versions this version of breakwater reads. */
const VERSIONS: readonly number[] = [1, 2];

/**
 * @internal Validates an `initialState` option: TypeError for a wrong type, RangeError for a value
 * out of range, each naming the field, what is expected and the value.
 */
export function validateSnapshot(value: unknown): CircuitBreakerSnapshot {
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(expected('initialState', 'an object from `breaker.toJSON()`', value));
  }
  const snapshot = value as Record<string, unknown>;
  const version = snapshot.version;
  if (version !== undefined && !VERSIONS.includes(version as number)) {
    const form = `a snapshot version this breakwater reads (${VERSIONS.join(', ')}); save it again with this version`;
    throw typeof version === 'number'
      ? new RangeError(expected('initialState.version', form, version))
      : new TypeError(expected('initialState.version', form, version));
  }
  if (typeof snapshot.state !== 'string' || !STATES.has(snapshot.state)) {
    throw new TypeError(expected('initialState.state', 'a circuit state such as "open"', snapshot.state));
  }
  number(snapshot, 'remainingOpenMs', 'a duration in ms >= 0', (n) => n >= 0);
  const remaining = snapshot.remainingOpenMs as number;
  const tooLong = tooLongForTimer('initialState.remainingOpenMs', remaining);
  if (tooLong !== undefined) throw tooLong;
  number(snapshot, 'backoffAttempt', 'an integer >= 0', (n) => Number.isInteger(n) && n >= 0);
  number(snapshot, 'savedAt', 'epoch ms >= 0', (n) => n >= 0 && n < Number.POSITIVE_INFINITY);
  const baseline = snapshot.baseline;
  if (baseline !== undefined && baseline !== null) {
    if (typeof baseline !== 'object') {
      throw new TypeError(
        expected('initialState.baseline', 'an object { failureRate, calls, learned } or null', baseline),
      );
    }
    const b = baseline as Record<string, unknown>;
    const path = 'initialState.baseline';
    number(b, 'failureRate', 'a number in [0, 1]', (n) => n >= 0 && n <= 1, path);
    number(b, 'calls', 'a number >= 0', (n) => n >= 0 && n < Number.POSITIVE_INFINITY, path);
    if (b.learned !== undefined && typeof b.learned !== 'boolean') {
      throw new TypeError(expected(`${path}.learned`, 'a boolean', b.learned));
    }
    if (b.evaluations !== undefined) {
      number(b, 'evaluations', 'an integer >= 0', (n) => Number.isInteger(n) && n >= 0, path);
    }
  }
  return snapshot as unknown as CircuitBreakerSnapshot;
}

/** A number field: TypeError when it is not a number, RangeError when `valid` refuses it. */
function number(
  snapshot: Record<string, unknown>,
  key: string,
  form: string,
  valid: (n: number) => boolean,
  path = 'initialState',
): void {
  const field = snapshot[key];
  if (typeof field !== 'number' || Number.isNaN(field)) {
    throw new TypeError(expected(`${path}.${key}`, `a number: ${form}`, field));
  }
  if (!valid(field)) throw new RangeError(expected(`${path}.${key}`, form, field));
}
