import { Call, fallbackApplies } from '../call/Call.js';
import { isResultFailure } from '../call/classify.js';
import { contextWith } from '../call/context.js';
import type { Engine } from '../engine/Engine.js';
import type { CallOptions, Fallback, Protected } from '../options.js';
import { Follower } from './Follower.js';
import type { KeyedCalls } from './KeyedCalls.js';
import { MISS } from './ResultCache.js';
import { Uncached } from './Uncached.js';

/**
 * @internal A call with a key on a breaker with `cache` or `coalesce`: served from the cache (a
 * fresh success, even while the breaker is open), else joined to the call in flight with the same
 * key, else made (and shared, and its success cached). Each caller applies its own fallback to the
 * outcome, and a joining caller keeps its own timeout and signal. Never throws.
 */
export function keyedCall<T>(
  engine: Engine,
  fn: Protected<T>,
  options: CallOptions<T>,
  key: string,
  keyed: KeyedCalls,
): Promise<T> {
  const now = engine.clock.now();
  const { cache, coalescer } = keyed;
  const signal = options.signal;
  const fallback = (options.fallback ?? engine.options.fallback) as Fallback<T> | undefined;
  if (cache !== undefined) {
    const value = cache.get(key, now);
    if (value !== MISS) {
      announce(engine, 'cacheHit', key);
      return Promise.resolve(value as T);
    }
    announce(engine, 'cacheMiss', key);
  }
  if (coalescer !== undefined) {
    const shared = coalescer.join(key, now);
    if (shared !== undefined) {
      announce(engine, 'coalesceHit', key);
      const timeout = options.timeout ?? engine.options.timeout;
      const joined =
        timeout === false && signal === undefined
          ? (shared as Promise<T>)
          : new Follower<T>(engine, timeout, signal).follow(shared);
      return withFallback(engine, joined, fallback, signal);
    }
    announce(engine, 'coalesceMiss', key);
  }
  const made = makeCall(engine, fn, options);
  // A caller's abort must not reach callers that joined: a call with a signal is not shared.
  if (coalescer !== undefined && signal === undefined) coalescer.start(key, made, now);
  if (cache !== undefined) {
    made.then(
      (value) => {
        if (value instanceof Uncached || isResultFailure(engine.options, value, engine)) return;
        cache.set(key, value, engine.clock.now());
      },
      () => {},
    );
  }
  return withFallback(engine, made, fallback, signal);
}

/** The call itself, without a fallback: admitted (or refused) and run like any call. */
function makeCall<T>(engine: Engine, fn: Protected<T>, options: CallOptions<T>): Promise<T> {
  const generation = engine.admit();
  if (generation < 0) return Promise.reject(engine.refuse(generation));
  const timeout = options.timeout ?? engine.options.timeout;
  return new Call<T>(engine, generation, timeout, options.signal, undefined).run(fn);
}

/** `promise`, with `fallback` (if any) replacing the errors it applies to, as a call's would. */
function withFallback<T>(
  engine: Engine,
  promise: Promise<T>,
  fallback: Fallback<T> | undefined,
  signal: AbortSignal | undefined,
): Promise<T> {
  if (fallback === undefined) return promise;
  return promise.then(undefined, (error: unknown) => {
    // No fallback for a caller's abort: the caller gave up.
    if (signal?.aborted === true && error === signal.reason) throw error;
    if (!fallbackApplies(engine, fallback, error)) throw error;
    engine.noteFallback(error);
    return fallback(error, contextWith(signal));
  });
}

function announce(
  engine: Engine,
  event: 'cacheHit' | 'cacheMiss' | 'coalesceHit' | 'coalesceMiss',
  key: string,
): void {
  const announcer = engine.announcer;
  if (announcer?.has(event)) announcer.emit(event, { name: engine.name, key });
}
