import type { Engine } from '../engine/Engine.js';
import { adopt, follow, PROMISED, RETURNED, THREW } from './invoke.js';

// The fast path's rarer branches, in a function of their own: closures created in `call()` itself
// would make V8 give `call()` a function context on every call, sampled or not.

/**
 * @internal Settles a fast-path call other than an untimed native promise: a value or a throw at
 * once, a timed promise (the latency sample, or every call when timing is needed) or any thenable
 * when it settles. `kind` is what {@link invoke} found. Returns the caller's promise; never throws.
 */
export function settleFast<T>(
  engine: Engine,
  result: unknown,
  kind: number,
  generation: number,
  start: number,
): Promise<T> {
  if (kind === RETURNED) {
    engine.settleValue(generation, start, result);
    return adopt(result);
  }
  if (kind === THREW) {
    engine.settleError(generation, start, result);
    return Promise.reject(result);
  }
  if (Number.isNaN(start)) return engine.observe(result, generation, kind === PROMISED);
  return follow<T>(
    result,
    kind === PROMISED,
    (value) => engine.settleValue(generation, start, value),
    (error: unknown) => engine.settleError(generation, start, error),
  );
}
