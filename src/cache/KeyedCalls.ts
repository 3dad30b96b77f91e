import type { Engine } from '../engine/Engine.js';
import { Coalescer } from './Coalescer.js';
import { ResultCache } from './ResultCache.js';

/**
 * @internal A breaker's cache and calls in flight by key, for a breaker configured with `cache` or
 * `coalesce` (each `undefined` when not configured). Kept beside the breaker, in a `WeakMap`, so that
 * a breaker without them carries no field for them.
 */
export class KeyedCalls {
  readonly cache: ResultCache | undefined;
  readonly coalescer: Coalescer | undefined;

  constructor(engine: Engine) {
    const { cache, coalesce } = engine.options;
    this.cache = cache === undefined ? undefined : new ResultCache(cache.ttl, cache.maxEntries);
    this.coalescer = coalesce === undefined ? undefined : new Coalescer(coalesce.ttl);
  }
}

const keyedCalls = new WeakMap<Engine, KeyedCalls>();

/** @internal The keyed calls of a breaker, made on first use; `undefined` without `cache` or `coalesce`. */
export function keyedCallsOf(engine: Engine): KeyedCalls | undefined {
  const options = engine.options;
  if (options.cache === undefined && options.coalesce === undefined) return undefined;
  let keyed = keyedCalls.get(engine);
  if (keyed === undefined) {
    keyed = new KeyedCalls(engine);
    keyedCalls.set(engine, keyed);
  }
  return keyed;
}

/** @internal The keyed calls of a breaker if it made them already (metrics, `clearCache()`). */
export function existingKeyedCalls(engine: Engine): KeyedCalls | undefined {
  return keyedCalls.get(engine);
}
