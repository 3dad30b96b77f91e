/**
 * An opossum program, unchanged but for its import line: a price client that protects a remote
 * price service with opossum's options, a fallback and event listeners, written against opossum's
 * documented API only. `examples/opossum.ts` runs it on breakwater with Redis and Prometheus.
 */
import CircuitBreaker from 'breakwater/opossum'; // was: import CircuitBreaker from 'opossum';

/** A price client as an opossum user writes one. */
export interface PriceClient {
  /** The price of `sku`, or -1 (the fallback) while the price service is failing. */
  price(sku: string): Promise<number>;
  /** The breaker, for its state and stats. */
  breaker: CircuitBreaker<[string], number>;
  /** What the listeners heard. */
  events: string[];
}

/** Protects `fetchPrice` with an opossum breaker. */
export function createPriceClient(fetchPrice: (sku: string) => Promise<number>): PriceClient {
  const options = {
    name: 'price-service',
    timeout: 3000, // If the price service takes longer than 3 seconds, trigger a failure
    errorThresholdPercentage: 50, // When 50% of requests fail, trip the circuit
    resetTimeout: 30000, // After 30 seconds, try again
    volumeThreshold: 4, // ... once there were at least 4 requests
  };
  const breaker = new CircuitBreaker(fetchPrice, options);
  const events: string[] = [];
  breaker.fallback(() => -1);
  breaker.on('open', () => events.push('open'));
  breaker.on('reject', () => events.push('reject'));
  breaker.on('fallback', () => events.push('fallback'));
  return { price: (sku) => breaker.fire(sku), breaker, events };
}
