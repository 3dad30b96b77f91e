/**
 * The opossum program that `opossum.ts` ports: a price lookup in the style opossum's README documents
 * (`new CircuitBreaker(action, options)`, `fire`, `fallback`, the `open`/`halfOpen`/`close`/`fallback`
 * events, `stats`, `shutdown`). Kept as it was, so that the port's test can run both side by side.
 */
import CircuitBreaker from 'opossum';
import type { PriceService, PriceStats } from './priceService.js';

/**
 * A price lookup protected by opossum.
 * @param fetchPrice - The dependency: resolves with a price, or rejects.
 * @param log - Where the breaker's events go (a line each).
 * @returns The service.
 */
export function createPriceService(
  fetchPrice: (sku: string) => Promise<number>,
  log: (line: string) => void,
): PriceService {
  const options = {
    timeout: 3000, // If our function takes longer than 3 seconds, trigger a failure
    errorThresholdPercentage: 50, // When 50% of requests fail, trip the circuit
    resetTimeout: 30000, // After 30 seconds, try again.
  };
  const breaker = new CircuitBreaker(fetchPrice, options);
  // The fallback gets fire()'s arguments.
  breaker.fallback((sku: string) => `${sku}: price unavailable`);
  breaker.on('open', () => log('open'));
  breaker.on('halfOpen', () => log('halfOpen'));
  breaker.on('close', () => log('close'));
  breaker.on('fallback', (result) => log(`fallback: ${String(result)}`));

  return {
    price: (sku) => breaker.fire(sku) as Promise<number | string>,
    stats: (): PriceStats => {
      const { fires, successes, failures, rejects, timeouts, fallbacks } = breaker.stats;
      return { fires, successes, failures, rejects, timeouts, fallbacks };
    },
    shutdown: () => breaker.shutdown(),
  };
}
