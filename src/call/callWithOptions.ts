import { keyedCallsOf } from '../cache/KeyedCalls.js';
import { keyedCall } from '../cache/keyedCall.js';
import type { Engine } from '../engine/Engine.js';
import { checkCallOptions, checkedCall } from '../options/callOptions.js';
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
  let signal: AbortSignal | undefined;
  let timeout: number | false | undefined;
  let fallback = engine.options.fallback as Fallback<T> | undefined;
  let key: string | undefined;
  let checked: CallOptions<unknown> | undefined;
  if (options !== undefined) {
    try {
      const problem = checkCallOptions(options);
      if (problem !== undefined) return misuse(engine, fn, problem);
      ({ signal, timeout, key } = checkedCall);
      if (checkedCall.fallback !== undefined) fallback = checkedCall.fallback as Fallback<T>;
      if (key !== undefined) checked = { ...checkedCall } as CallOptions<unknown>;
      if (signal?.aborted === true && typeof fn === 'function') {
        const reason = signal.reason;
        engine.countIgnored(reason);
        return Promise.reject(reason);
      }
    } catch (error) {
      // Options that cannot be read (a revoked Proxy, a getter that throws, a signal whose
      // `aborted` throws): the caller's mistake, rejected like a bad option, without calling `fn`.
      engine.countIgnored(error);
      return Promise.reject(error);
    }
  }
  if (typeof fn !== 'function') return misuse(engine, fn);
  if (key !== undefined && !engine.disposed) {
    const keyed = keyedCallsOf(engine);
    // The options as checked (each read once), not the caller's object read again.
    if (keyed !== undefined) return keyedCall(engine, fn, checked as CallOptions<T>, key, keyed);
  }
  const generation = engine.admit();
  if (generation < 0) {
    const error = engine.refuse(generation);
    if (!engine.disposed && fallback !== undefined)
      return serveFallback(engine, fallback, error, contextWith(signal));
    return Promise.reject(error);
  }
  return new Call<T>(engine, generation, timeout ?? engine.options.timeout, signal, fallback).run(fn);
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
