/** One entry of a {@link MemoryCache}: the value and its expiry. */
export interface CacheEntry {
  /** What `set` was given: for a breaker's cache, a promise of the call's result. */
  readonly value: unknown;
  /** Epoch ms (by `Date.now()`) from which the entry is no longer served; 0 for never. */
  readonly expiresAt: number;
}

/** Entries kept by default: bounded, unlike opossum's 2^24 - 1. */
const DEFAULT_MAX_ENTRIES = 1000;

/**
 * The in-memory cache of an opossum breaker (`options.cacheTransport` when `cache: true` is given
 * without one), and a base for a custom transport: at most `maxEntries` entries, the oldest entry out
 * first when a new key arrives, each entry served until its expiry. O(1) per operation.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker(fetchUser, { cache: true, cacheTTL: 60_000, cacheTransport: new MemoryCache(500) });
 * ```
 */
export class MemoryCache {
  /** The entries by key, in insertion order. */
  readonly cache = new Map<string, CacheEntry>();
  /** Entries kept at most. */
  readonly maxEntries: number;

  /** @param maxEntries - Entries kept at most. @default 1000 */
  constructor(maxEntries?: number) {
    this.maxEntries =
      typeof maxEntries === 'number' && Number.isInteger(maxEntries) && maxEntries > 0
        ? maxEntries
        : DEFAULT_MAX_ENTRIES;
  }

  /**
   * @param key - The call's key.
   * @returns The value kept for `key`, or `undefined` when there is none or it expired (then dropped).
   */
  get(key: string): unknown {
    const entry = this.cache.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt === 0 || Date.now() < entry.expiresAt) return entry.value;
    this.cache.delete(key);
    return undefined;
  }

  /**
   * Keeps `value` for `key` until `expiresAt`; a new key beyond `maxEntries` pushes the oldest out.
   * @param key - The call's key.
   * @param value - What to serve (the breaker keeps a promise of the result).
   * @param expiresAt - Epoch ms after which it is not served; 0 for no expiry. @default 0
   */
  set(key: string, value: unknown, expiresAt = 0): void {
    const cache = this.cache;
    if (!cache.has(key) && cache.size >= this.maxEntries) {
      const oldest = cache.keys().next();
      if (oldest.done !== true) cache.delete(oldest.value);
    }
    cache.set(key, { value, expiresAt });
  }

  /**
   * Forgets the entry for `key`, if any (the breaker never calls it; it is there for callers).
   * @param key - The entry to forget.
   */
  delete(key: string): void {
    this.cache.delete(key);
  }

  /** Forgets every entry. */
  flush(): void {
    this.cache.clear();
  }
}
