/**
 * `cockatiel-original.ts` ported to breakwater: the same inventory lookup, breaking and recovering as
 * the cockatiel program does. What changed, line by line:
 *
 * - `circuitBreaker(handleAll, { halfOpenAfter: 10 * 1000, breaker: new ConsecutiveBreaker(5) })` is
 *   `new CircuitBreaker({ failureThreshold: 5, resetTimeout: 10_000 })`. `handleAll` is the default
 *   (every error is a failure); `handleType(E)` is `include: [E]`, `handleWhen(fn)` is `isFailure`,
 *   `handleWhenResult(fn)` is `isResultFailure`. A `SamplingBreaker({ threshold, duration,
 *   minimumRps })` is `failureRateThreshold: threshold, window: { type: 'time', duration },
 *   minimumCalls: minimumRps × duration / 1000`.
 * - `breaker.execute(({ signal }) => …)` is `breaker.call(({ signal }) => …)`.
 * - `BrokenCircuitError` is `CircuitBreakerOpenError` (with `retryAfter`, the ms until a trial).
 * - `onBreak` is `on('open', …)`, `onReset` is `on('close', …)`, `onHalfOpen` is `on('halfOpen', …)`,
 *   `onStateChange` is `on('stateChange', …)`; each returns an unsubscribe function instead of a
 *   disposable. `breaker.isolate()` is `forceOpen()` (and `reset()` to let go).
 * - Two differences the test shows: breakwater moves to half-open when `resetTimeout` passes (its
 *   `halfOpen` event comes then), where cockatiel does so at the first call after `halfOpenAfter`;
 *   and a call that arrives while the trial runs is refused at once, where cockatiel makes it wait
 *   for the trial's outcome.
 */
import { CircuitBreaker, CircuitBreakerOpenError, type Clock } from 'breakwater';
import type { InventoryService } from './inventoryService.js';

/**
 * An inventory lookup protected by breakwater, behaving as the cockatiel program does.
 * @param fetchStock - The dependency: resolves with a count, or rejects; may stop on `signal`.
 * @param log - Where the breaker's events go (a line each).
 * @param clock - The breaker's clock (a `FakeClock` in tests). @default the system clock
 * @returns The service.
 */
export function createInventoryService(
  fetchStock: (sku: string, signal: AbortSignal) => Promise<number>,
  log: (line: string) => void,
  clock?: Clock,
): InventoryService {
  // Break after 5 consecutive failures; try again after 10 seconds.
  const breaker = new CircuitBreaker({
    name: 'inventory',
    failureThreshold: 5,
    resetTimeout: 10_000,
    ...(clock === undefined ? {} : { clock }),
  });
  const unsubscribe = [
    breaker.on('open', () => log('break')),
    breaker.on('halfOpen', () => log('halfOpen')),
    breaker.on('close', () => log('reset')),
  ];

  return {
    async stock(sku) {
      try {
        return await breaker.call(({ signal }) => fetchStock(sku, signal));
      } catch (error) {
        if (error instanceof CircuitBreakerOpenError) return 'unknown'; // failed fast: the service was not called
        throw error;
      }
    },
    close: () => {
      for (const off of unsubscribe) off();
    },
  };
}
