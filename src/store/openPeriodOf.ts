import type { ResolvedOptions } from '../options.js';

const LONGEST_TIMER = 2_147_483_647;

/**
 * The open period of the `attempt`-th opening in a row (1 = the first) for a breaker's options:
 * `resetTimeout`, or with backoff `resetTimeout × multiplier^(attempt-1)` capped at `max`, less a
 * random share of at most `jitter`. A store uses it when the fleet opens on shared counts (the
 * deciding instance computes the period). Never throws: a failing backoff function gives `resetTimeout`.
 * @param options - The deciding breaker's effective options.
 * @param attempt - The opening's place in its run, from 1.
 * @param random - The source of jitter draws.
 * @returns Ms, at most the longest timer (2_147_483_647).
 */
export function openPeriodOf(options: ResolvedOptions, attempt: number, random: () => number): number {
  const backoff = options.backoff;
  if (backoff === false) return options.resetTimeout;
  if (typeof backoff === 'function') {
    try {
      const ms = backoff(attempt);
      return typeof ms === 'number' && ms >= 0 ? Math.min(ms, LONGEST_TIMER) : options.resetTimeout;
    } catch {
      return options.resetTimeout;
    }
  }
  const base = Math.min(options.resetTimeout * backoff.multiplier ** (attempt - 1), backoff.max);
  return backoff.jitter === 0 ? base : base * (1 - backoff.jitter * random());
}
