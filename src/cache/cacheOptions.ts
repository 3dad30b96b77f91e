import { expected } from '../options/describe.js';
import { fn, integer, nestedKeys, number } from '../options/validate.js';

/** Gives the key of a call from its arguments (`wrap`, `@protect`, opossum's `fire`). */
export type KeyFunction = (...args: never[]) => string;

/**
 * A cache of recent successes, served without calling the function (opossum's `cache`). Only a call
 * with a key takes part: `breaker.call(fn, { key })`, or a `wrap()`ed / `@protect`ed call, keyed by
 * `key(...args)`. A failure is never cached; a cached value is served even while the breaker is open.
 */
export interface CacheOptions {
  /** Ms a success is served for, from when it settled (> 0; `Infinity` until evicted). */
  ttl: number;
  /** The key of a wrapped or decorated call from its arguments. @default the arguments as JSON */
  key?: KeyFunction;
  /** Entries kept at most; the least recently used goes first. @default 1000 */
  maxEntries?: number;
}

/**
 * Request coalescing: callers with the same key share one call in flight (opossum's `coalesce`);
 * its value or error is theirs too, while each caller keeps its own timeout and fallback. Only a
 * call with a key takes part (see {@link CacheOptions}); a call given a `signal` joins a shared call
 * but does not start one (its abort must not reach the others).
 */
export interface CoalesceOptions {
  /** Ms after its start during which a call in flight may be joined (> 0). @default Infinity */
  ttl?: number;
  /** The key of a wrapped or decorated call from its arguments. @default the arguments as JSON */
  key?: KeyFunction;
}

/** The `cache` option as resolved (`breaker.options.cache`). */
export interface ResolvedCache {
  /** Ms a success is served for, from when it settled. */
  readonly ttl: number;
  /** The key of a wrapped or decorated call from its arguments. */
  readonly key: KeyFunction;
  /** Entries kept at most. */
  readonly maxEntries: number;
}

/** The `coalesce` option as resolved (`breaker.options.coalesce`). */
export interface ResolvedCoalesce {
  /** Ms after its start during which a call in flight may be joined. */
  readonly ttl: number;
  /** The key of a wrapped or decorated call from its arguments. */
  readonly key: KeyFunction;
}

/** The default key: the arguments as JSON. */
export const jsonKey: KeyFunction = (...args) => JSON.stringify(args);

const DEFAULT_MAX_ENTRIES = 1000;

/**
 * @internal Validates the `cache` option.
 * @throws TypeError for a wrong type or unknown key, RangeError for a value out of range.
 */
export function resolveCache(value: unknown): ResolvedCache | undefined {
  if (value === undefined || value === false) return undefined;
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(expected('cache', '{ ttl, key?, maxEntries? }', value));
  }
  const c = value as Record<string, unknown>;
  nestedKeys('cache', c, ['ttl', 'key', 'maxEntries']);
  return Object.freeze({
    ttl: ttl('cache.ttl', c.ttl, undefined),
    key: fn<KeyFunction>('cache.key', c.key as KeyFunction | undefined) ?? jsonKey,
    maxEntries:
      c.maxEntries === undefined ? DEFAULT_MAX_ENTRIES : integer('cache.maxEntries', c.maxEntries, 1),
  });
}

/**
 * @internal Validates the `coalesce` option.
 * @throws TypeError for a wrong type or unknown key, RangeError for a value out of range.
 */
export function resolveCoalesce(value: unknown): ResolvedCoalesce | undefined {
  if (value === undefined || value === false) return undefined;
  if (value === true) return DEFAULT_COALESCE;
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(expected('coalesce', 'true, false or { ttl?, key? }', value));
  }
  const c = value as Record<string, unknown>;
  nestedKeys('coalesce', c, ['ttl', 'key']);
  return Object.freeze({
    ttl: ttl('coalesce.ttl', c.ttl, Number.POSITIVE_INFINITY),
    key: fn<KeyFunction>('coalesce.key', c.key as KeyFunction | undefined) ?? jsonKey,
  });
}

/**
 * @internal Both options resolved, with one key function when both are configured: `cache.key` if
 * given, else `coalesce.key`, else the arguments as JSON (a call has one key).
 */
export function resolveKeyedOptions(
  cacheInput: unknown,
  coalesceInput: unknown,
): { cache: ResolvedCache | undefined; coalesce: ResolvedCoalesce | undefined } {
  const cache = resolveCache(cacheInput);
  const coalesce = resolveCoalesce(coalesceInput);
  if (cache === undefined || coalesce === undefined || cache.key === coalesce.key) return { cache, coalesce };
  const key = cache.key === jsonKey ? coalesce.key : cache.key;
  return {
    cache: Object.freeze({ ...cache, key }),
    coalesce: Object.freeze({ ...coalesce, key }),
  };
}

const DEFAULT_COALESCE: ResolvedCoalesce = Object.freeze({ ttl: Number.POSITIVE_INFINITY, key: jsonKey });

/** A ttl in ms > 0 (`Infinity` allowed); `fallback` when undefined, required when that is undefined. */
function ttl(option: string, value: unknown, fallback: number | undefined): number {
  if (value === undefined && fallback !== undefined) return fallback;
  const form = 'a duration in ms > 0 (Infinity for no limit)';
  const n = number(option, value, form);
  if (!(n > 0)) throw new RangeError(expected(option, form, value));
  return n;
}
