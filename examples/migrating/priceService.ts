/** What the opossum program and its port both offer, so that one test drives either. */
export interface PriceService {
  /** The price of `sku`, or the fallback's answer while the dependency fails. */
  price(sku: string): Promise<number | string>;
  /** opossum's `stats` figures. */
  stats(): PriceStats;
  /** Stops the breaker (its timers); later calls are refused. */
  shutdown(): void;
}

/** The figures opossum's `breaker.stats` gives, and where the port reads them. */
export interface PriceStats {
  /** Calls made, refused ones included. */
  fires: number;
  successes: number;
  /** Failures, timeouts included. */
  failures: number;
  /** Calls refused while open. */
  rejects: number;
  timeouts: number;
  fallbacks: number;
}
