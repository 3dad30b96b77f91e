/** @internal What {@link ResultCache.get} returns when it holds no fresh value for the key. */
export const MISS: unique symbol = Symbol('cache miss');

/** One cached value and the monotonic ms at which it stops being served. */
class Entry {
  constructor(
    readonly value: unknown,
    readonly expiresAt: number,
  ) {}
}

/**
 * @internal A breaker's cache of recent successes (the `cache` option): at most `maxEntries`
 * values, each served for `ttl` ms from when it settled; the least recently used goes first. A
 * `Map` kept in use order (a hit moves its entry to the end), so every operation is O(1). It owns
 * its hit and miss counts. Expired entries are dropped when read or pushed out by newer ones: no
 * timer.
 */
export class ResultCache {
  hits = 0;
  misses = 0;
  readonly #ttl: number;
  readonly #maxEntries: number;
  readonly #entries = new Map<string, Entry>();

  constructor(ttl: number, maxEntries: number) {
    this.#ttl = ttl;
    this.#maxEntries = maxEntries;
  }

  /** Entries held (expired ones not yet dropped included). */
  get size(): number {
    return this.#entries.size;
  }

  /** The fresh value for `key` (counted as a hit), or {@link MISS} (counted as a miss). */
  get(key: string, now: number): unknown {
    const entries = this.#entries;
    const entry = entries.get(key);
    if (entry !== undefined) {
      if (now < entry.expiresAt) {
        this.hits++;
        // Most recently used last: eviction takes the first.
        entries.delete(key);
        entries.set(key, entry);
        return entry.value;
      }
      entries.delete(key);
    }
    this.misses++;
    return MISS;
  }

  /** Keeps `value` for `key` from `now`, evicting the least recently used entry when full. */
  set(key: string, value: unknown, now: number): void {
    const entries = this.#entries;
    entries.delete(key);
    if (entries.size >= this.#maxEntries) {
      const oldest = entries.keys().next();
      if (oldest.done !== true) entries.delete(oldest.value);
    }
    entries.set(key, new Entry(value, now + this.#ttl));
  }

  /** Forgets `key`, or every entry without one. */
  clear(key?: string): void {
    if (key === undefined) this.#entries.clear();
    else this.#entries.delete(key);
  }
}
