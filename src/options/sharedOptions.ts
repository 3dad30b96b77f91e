import type { CircuitBreakerMetrics } from '../metrics.js';
import type { CircuitBreakerOptions, ResolvedOptions } from '../options.js';
import type { LatencyHistogramSnapshot } from '../window/LatencyHistogram.js';
import { expected } from './describe.js';
import { defaultName, resolveOptions } from './resolveOptions.js';

/**
 * @internal Told what a breaker had counted before a reset clears it, so that the figures exporters
 * read stay monotonic: a keyed group's totals, or a registered breaker's. `metrics.state` is the
 * state the reset leaves (a reset from another state than closed is a transition to closed).
 */
export interface ResetOwner {
  reset(metrics: CircuitBreakerMetrics, histogram: LatencyHistogramSnapshot): void;
}

/**
 * Options resolved once and shared by many breakers (a keyed group's), each with its own name. Only
 * this module can make one, so it cannot come from user input.
 */
class SharedOptions {
  constructor(
    readonly options: ResolvedOptions,
    readonly name: string,
  ) {}
}

/** The owners of shared options: one per keyed group, so no breaker carries a field for it. */
const owners = new WeakMap<ResolvedOptions, ResetOwner>();
/**
 * The owners of single breakers (registered in a registry), by engine: kept aside rather than in a
 * field, so that breakers nobody registers pay nothing for it.
 */
const breakerOwners = new WeakMap<object, ResetOwner>();
let defaultOptions: ResolvedOptions | undefined;

/** @internal Wraps resolved options for `new CircuitBreaker()` so they are shared, not copied. */
export function shareOptions(options: ResolvedOptions, name: string): CircuitBreakerOptions {
  return new SharedOptions(options, name) as unknown as CircuitBreakerOptions;
}

/** @internal Makes `owner` hear of every reset of a breaker made from `options`. */
export function setResetOwner(options: ResolvedOptions, owner: ResetOwner): void {
  owners.set(options, owner);
}

/**
 * @internal Makes `owner` hear of every reset of the breaker whose engine is `engine` (`undefined`:
 * no longer). Reached through `observeResets` in CircuitBreaker.ts, which holds the engine.
 */
export function setBreakerResetOwner(engine: object, owner: ResetOwner | undefined): void {
  if (owner === undefined) breakerOwners.delete(engine);
  else breakerOwners.set(engine, owner);
}

/** @internal Who hears of a reset of this engine's breaker: its own owner, else its shared options'. */
export function resetOwnerOf(engine: { readonly options: ResolvedOptions }): ResetOwner | undefined {
  return breakerOwners.get(engine) ?? owners.get(engine.options);
}

/**
 * @internal A breaker's effective options and name. Breakers created with no options but a name (and
 * keyed breakers) share one frozen options object: a breaker's memory then holds only its state.
 * The shared object's own `name` may differ from the breaker's.
 */
export function resolveBreakerOptions(input: CircuitBreakerOptions | undefined): {
  options: ResolvedOptions;
  name: string;
} {
  if (input instanceof SharedOptions) return { options: input.options, name: input.name };
  if (input === undefined || (typeof input === 'object' && input !== null && onlyName(input))) {
    const name = input?.name === undefined ? defaultName() : input.name;
    if (typeof name !== 'string' || name.length === 0)
      throw new TypeError(expected('name', 'a non-empty string', name));
    defaultOptions ??= resolveOptions({ name: 'circuit-breaker' });
    return { options: defaultOptions, name };
  }
  const options = resolveOptions(input);
  return { options, name: options.name };
}

function onlyName(input: object): boolean {
  for (const key in input) if (key !== 'name') return false;
  return true;
}
