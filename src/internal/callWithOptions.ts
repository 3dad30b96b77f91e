import type { CallOptions } from '../CircuitBreaker.js';
import type { CallContext, Fallback, Protected } from '../options.js';
import type { BreakerCore } from './BreakerCore.js';
import { Call } from './Call.js';
import { checkCallOptions } from './callOptions.js';
import { contextWith } from './context.js';
import { expected } from './describe.js';

/**
 * @internal `breaker.call()` when the fast path does not apply (a timeout, a fallback or per-call
 * options): validates the options, honours an already aborted signal, serves the fallback for a
 * refusal, and otherwise runs a {@link Call}. Never throws: every failure is a rejection.
 */
export function callWithOptions<T>(
  core: BreakerCore,
  fn: Protected<T>,
  options: CallOptions<T> | undefined,
): Promise<T> {
  const problem = checkCallOptions(options);
  if (problem !== undefined) return misuse(core, fn, problem);
  if (typeof fn !== 'function') return misuse(core, fn);
  const signal = options?.signal;
  if (signal?.aborted) {
    core.countIgnored(signal.reason);
    return Promise.reject(signal.reason);
  }
  const fallback = (options?.fallback ?? core.options.fallback) as Fallback<T> | undefined;
  const generation = core.admit();
  if (generation < 0) {
    const error = core.refuse(generation);
    if (!core.disposed && fallback !== undefined)
      return serveFallback(core, fallback, error, contextWith(signal));
    return Promise.reject(error);
  }
  const timeout = options?.timeout ?? core.options.timeout;
  return new Call<T>(core, generation, timeout, signal, fallback).run(fn);
}

/** @internal A call the caller got wrong: rejected with a TypeError and counted as ignored. */
export function misuse<T>(
  core: BreakerCore,
  fn: unknown,
  message = expected('fn', 'a function', fn),
): Promise<T> {
  const error = new TypeError(message);
  core.countIgnored(error);
  return Promise.reject(error);
}

function serveFallback<T>(
  core: BreakerCore,
  fallback: Fallback<T>,
  error: unknown,
  ctx: CallContext,
): Promise<T> {
  core.noteFallback(error);
  try {
    return Promise.resolve(fallback(error, ctx));
  } catch (thrown) {
    return Promise.reject(thrown);
  }
}
