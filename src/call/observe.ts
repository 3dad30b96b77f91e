import type { Engine } from '../engine/Engine.js';
import { isThenable } from './Call.js';

// The fast path's rarer branches, each in a function of its own: closures created in `call()` itself
// would make V8 give `call()` a function context on every call, sampled or not.

/** @internal Settles a timed call (the latency sample, or every call when timing is needed) with `promise`. */
export function observeTimed(
  engine: Engine,
  promise: PromiseLike<unknown>,
  generation: number,
  start: number,
): void {
  promise.then(
    (value) => engine.settleValue(generation, start, value),
    (error: unknown) => engine.settleError(generation, start, error),
  );
}

/**
 * @internal `fn` returned something other than a native promise: a thenable is adopted, a plain
 * value settles at once. Reading a throwing `then` getter fails the call like a throw from `fn`.
 */
export function settleOther<T>(
  engine: Engine,
  result: unknown,
  generation: number,
  start: number,
): Promise<T> {
  let thenable: boolean;
  try {
    thenable = isThenable(result);
  } catch (error) {
    engine.settleError(generation, start, error);
    return Promise.reject(error);
  }
  if (!thenable) {
    engine.settleValue(generation, start, result);
    return Promise.resolve(result as T);
  }
  const adopted = Promise.resolve(result as PromiseLike<T>);
  observeTimed(engine, adopted, generation, start);
  return adopted;
}
