/** A call in flight that callers with the same key may join. */
class Flight {
  constructor(
    readonly promise: Promise<unknown>,
    readonly startedAt: number,
  ) {}
}

/**
 * @internal A breaker's calls in flight by key (the `coalesce` option): a caller with the key of a
 * call started less than `ttl` ms ago joins it instead of making its own. An entry lives exactly as
 * long as its call: it is removed when the call settles, so the map holds at most one entry per
 * call in flight. It owns its hit (joined) and miss (started) counts.
 */
export class Coalescer {
  hits = 0;
  misses = 0;
  readonly #ttl: number;
  readonly #flights = new Map<string, Flight>();

  constructor(ttl: number) {
    this.#ttl = ttl;
  }

  /** Calls in flight that may be joined. */
  get inFlight(): number {
    return this.#flights.size;
  }

  /** The call in flight for `key` (counted as a hit), or `undefined` (counted as a miss). */
  join(key: string, now: number): Promise<unknown> | undefined {
    const flight = this.#flights.get(key);
    if (flight !== undefined && now - flight.startedAt < this.#ttl) {
      this.hits++;
      return flight.promise;
    }
    this.misses++;
    return undefined;
  }

  /** Shares `promise` under `key` until it settles (it replaces a flight too old to be joined). */
  start(key: string, promise: Promise<unknown>, now: number): void {
    const flight = new Flight(promise, now);
    this.#flights.set(key, flight);
    const end = (): void => {
      if (this.#flights.get(key) === flight) this.#flights.delete(key);
    };
    promise.then(end, end);
  }

  /** Stops sharing the calls in flight (they still settle for their callers). */
  clear(): void {
    this.#flights.clear();
  }
}
