import type { ResolvedOptions } from '../options.js';
import { expected } from './describe.js';

/**
 * @internal The open period of the `attempt`-th opening in a row (1 = the first): `resetTimeout`, or
 * with backoff `resetTimeout × multiplier^(attempt-1)` capped at `max`, minus a random share of at
 * most `jitter` of that un-jittered value (jitter never compounds).
 * @throws RangeError when a backoff function returns something other than a duration.
 */
export function openPeriod(
  options: ResolvedOptions,
  attempt: number,
  random: () => number = Math.random,
): number {
  const backoff = options.backoff;
  if (backoff === false) return options.resetTimeout;
  if (typeof backoff === 'function') {
    const ms = backoff(attempt);
    if (typeof ms !== 'number' || !(ms >= 0 && ms < Number.POSITIVE_INFINITY)) {
      throw new RangeError(expected(`backoff(${attempt})`, 'a duration in ms >= 0', ms));
    }
    return ms;
  }
  const base = Math.min(options.resetTimeout * backoff.multiplier ** (attempt - 1), backoff.max);
  return backoff.jitter === 0 ? base : base * (1 - backoff.jitter * random());
}
