import { keyedCallsOf } from '../cache/KeyedCalls.js';
import { keyedCall } from '../cache/keyedCall.js';
import type { Engine } from '../engine/Engine.js';
import { checkCallOptions } from '../options/callOptions.js';
import { expected } from '../options/describe.js';
import type { CallContext, CallOptions, Fallback, Protected } from '../options.js';
import { Call } from './Call.js';
import { contextWith } from './context.js';

/**
 * @internal `breaker.call()` when the fast path does not apply (a timeout, a fallback or per-call
 * options): validates the options, honours an already aborted signal, serves the fallback for a
 * refusal, and otherwise runs a {@link Call}. Never throws: every failure is a rejection.
 */
export function callWithOptions<T>(
  engine: Engine,
  fn: Protected<T>,
  options: CallOptions<T> | undefined,
): Promise<T> {
  const problem = checkCallOptions(options);
  if (problem !== undefined) return misuse(engine, fn, problem);
  if (typeof fn !== 'function') return misuse(engine, fn);
  const signal = options?.signal;
  if (signal?.aborted) {
    engine.countIgnored(signal.reason);
    return Promise.reject(signal.reason);
  }
  const key = options?.key;
  if (key !== undefined && !engine.disposed) {
    const keyed = keyedCallsOf(engine);
    if (keyed !== undefined) return keyedCall(engine, fn, options as CallOptions<T>, key, keyed);
  }
  const fallback = (options?.fallback ?? engine.options.fallback) as Fallback<T> | undefined;
  const generation = engine.admit();
  if (generation < 0) {
    const error = engine.refuse(generation);
    if (!engine.disposed && fallback !== undefined)
      return serveFallback(engine, fallback, error, contextWith(signal));
    return Promise.reject(error);
  }
  const timeout = options?.timeout ?? engine.options.timeout;
  return new Call<T>(engine, generation, timeout, signal, fallback).run(fn);
}

/** @internal A call the caller got wrong: rejected with a TypeError and counted as ignored. */
export function misuse<T>(
  engine: Engine,
  fn: unknown,
  message = expected('fn', 'a function', fn),
): Promise<T> {
  const error = new TypeError(message);
  engine.countIgnored(error);
  return Promise.reject(error);
}

function serveFallback<T>(
  engine: Engine,
  fallback: Fallback<T>,
  error: unknown,
  ctx: CallContext,
): Promise<T> {
  engine.noteFallback(error);
  try {
    return Promise.resolve(fallback(error, ctx));
  } catch (thrown) {
    return Promise.reject(thrown);
  }
}
