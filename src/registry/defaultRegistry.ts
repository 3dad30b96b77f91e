import type { CircuitBreaker } from '../CircuitBreaker.js';
import type { CircuitBreakerOptions } from '../options.js';
import { CircuitBreakerRegistry } from './CircuitBreakerRegistry.js';
import type { BreakerStatus } from './health.js';

/**
 * The process-wide registry used by `@protect` and the helpers below (no defaults, no logger). Make
 * your own {@link CircuitBreakerRegistry} for defaults, a logger or isolation in tests.
 *
 * @example
 * ```ts
 * import { defaultRegistry } from 'breakwater';
 * app.get('/health', (req, res) => res.json(defaultRegistry.health()));
 * ```
 */
export const defaultRegistry: CircuitBreakerRegistry = new CircuitBreakerRegistry();

/**
 * The breaker named `name` in {@link defaultRegistry}, without creating it.
 * @param name - The breaker's name (`<group>:<key>` for a keyed breaker).
 * @returns The breaker, or `undefined`.
 * @example
 * ```ts
 * getCircuitBreaker('payment-api')?.forceOpen();
 * ```
 */
export function getCircuitBreaker(name: string): CircuitBreaker | undefined {
  return defaultRegistry.get(name);
}

/**
 * Adds a breaker to {@link defaultRegistry} (see {@link CircuitBreakerRegistry.register}).
 * @param name - A name not taken yet.
 * @param optionsOrBreaker - Breaker options, or a breaker named `name`.
 * @returns The registered breaker.
 * @throws Error when the name is taken; TypeError or RangeError for invalid options.
 * @example
 * ```ts
 * const payments = registerCircuitBreaker('payment-api', { ...presets.fastFail, critical: true });
 * ```
 */
export function registerCircuitBreaker(
  name: string,
  optionsOrBreaker?: CircuitBreakerOptions | CircuitBreaker,
): CircuitBreaker {
  return defaultRegistry.register(name, optionsOrBreaker);
}

/**
 * The status of every breaker of {@link defaultRegistry} (≡ `defaultRegistry.statuses()`).
 * @returns `{ name, state, isAvailable, failureRate, metrics, group? }` per breaker.
 * @example
 * ```ts
 * for (const { name, state } of listCircuitBreakers()) console.log(name, state);
 * ```
 */
export function listCircuitBreakers(): BreakerStatus[] {
  return defaultRegistry.statuses();
}
