/**
 * The cockatiel program that `cockatiel.ts` ports: an inventory lookup in the style cockatiel's README
 * documents (`circuitBreaker(handleAll, { halfOpenAfter, breaker: new ConsecutiveBreaker(5) })`,
 * `execute`, `onBreak`/`onReset`/`onHalfOpen`, `BrokenCircuitError`). Kept as it was, so that the
 * port's test can run both side by side.
 */
import { BrokenCircuitError, ConsecutiveBreaker, circuitBreaker, handleAll } from 'cockatiel';
import type { InventoryService } from './inventoryService.js';

/**
 * An inventory lookup protected by cockatiel.
 * @param fetchStock - The dependency: resolves with a count, or rejects; may stop on `signal`.
 * @param log - Where the breaker's events go (a line each).
 * @returns The service.
 */
export function createInventoryService(
  fetchStock: (sku: string, signal: AbortSignal) => Promise<number>,
  log: (line: string) => void,
): InventoryService {
  // Break after 5 consecutive failures; try again after 10 seconds.
  const breaker = circuitBreaker(handleAll, {
    halfOpenAfter: 10 * 1000,
    breaker: new ConsecutiveBreaker(5),
  });
  const listeners = [
    breaker.onBreak(() => log('break')),
    breaker.onHalfOpen(() => log('halfOpen')),
    breaker.onReset(() => log('reset')),
  ];

  return {
    async stock(sku) {
      try {
        return await breaker.execute(({ signal }) => fetchStock(sku, signal));
      } catch (error) {
        if (error instanceof BrokenCircuitError) return 'unknown'; // failed fast: the service was not called
        throw error;
      }
    },
    close: () => {
      for (const listener of listeners) listener.dispose();
    },
  };
}
