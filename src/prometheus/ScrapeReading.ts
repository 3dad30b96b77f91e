import { type BreakerReading, readRegistry } from '../exporters/readRegistry.js';
import type { CircuitBreakerRegistry } from '../index.js';

/**
 * @internal The registry read once per scrape. prom-client asks each metric for its values in one
 * synchronous pass (`register.metrics()`, `getMetricsAsJSON()`); the first metric asked reads the
 * registry and the others reuse that reading until the pass is over (the next microtask). Every
 * metric of a scrape then comes from the same moment, and a keyed group is summed once, not once
 * per metric.
 */
export class ScrapeReading {
  readonly #registry: CircuitBreakerRegistry;
  #readings: BreakerReading[] | undefined = undefined;
  readonly #forget = (): void => {
    this.#readings = undefined;
  };

  constructor(registry: CircuitBreakerRegistry) {
    this.#registry = registry;
  }

  /** The entries of the registry, read now or earlier in this scrape. */
  read(): BreakerReading[] {
    if (this.#readings === undefined) {
      this.#readings = readRegistry(this.#registry, true);
      queueMicrotask(this.#forget);
    }
    return this.#readings;
  }
}
