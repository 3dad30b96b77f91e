import type { CircuitBreakerOptions } from '../options.js';

/** A preset: frozen breaker options to spread into your own (`{ ...presets.fastFail, name }`). */
export type Preset = Readonly<CircuitBreakerOptions>;

/**
 * Ready-made option sets. Plain frozen objects: spread one and add or override what you need.
 *
 * - `fastFail`: for calls on a user's request path, where waiting is worse than failing:
 *   opens after 3 consecutive failures, tries again after 30 s.
 * - `resilient`: for background work and dependencies that recover slowly: opens after 10
 *   consecutive failures, tries again after 120 s, doubling the open period each time a trial fails
 *   (120 s → 240 s → 300 s, capped at 300 s).
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ ...presets.fastFail, name: 'search', timeout: 2_000 });
 * registry.register('ledger', { ...presets.resilient, critical: true });
 * ```
 */
export const presets: {
  /** Opens after 3 consecutive failures, tries again after 30 s. */
  readonly fastFail: Preset;
  /** Opens after 10 consecutive failures, tries again after 120 s, doubling up to 300 s. */
  readonly resilient: Preset;
} = Object.freeze({
  fastFail: Object.freeze({ failureThreshold: 3, resetTimeout: 30_000 }),
  resilient: Object.freeze({
    failureThreshold: 10,
    resetTimeout: 120_000,
    backoff: Object.freeze({ multiplier: 2, max: 300_000 }),
  }),
});
