import type { Clock } from '../clock/Clock.js';
import { closestName } from '../options/closestName.js';
import { expected } from '../options/describe.js';
import { mergeOptions } from '../options/mergeOptions.js';
import { resolveOptions } from '../options/resolveOptions.js';
import type { CircuitBreakerOptions, Logger } from '../options.js';
import type { StateStore } from '../store/StateStore.js';

/** Options every breaker of a registry starts from (no `name` or `initialState`: those are a breaker's own). */
export type RegistryDefaults = Omit<CircuitBreakerOptions, 'name' | 'initialState'>;

/** Options of a {@link CircuitBreakerRegistry}. */
export interface CircuitBreakerRegistryOptions {
  /**
   * Options every breaker created by the registry starts from. A breaker's own options win
   * (`{ ...defaults, ...own }`); `false` switches off a rule inherited from here.
   * @default {}
   */
  defaults?: RegistryDefaults;
  /** Logger of every breaker created by the registry that does not bring its own. @default none */
  logger?: Logger;
  /** Clock of every breaker created by the registry that does not bring its own. @default the system clock */
  clock?: Clock;
  /**
   * Shares the state of the registry's breakers across instances (a `RedisStore`, a `MemoryStore`).
   * Keyed groups use it only when created with `shared: true`. The registry does not close it:
   * `registry.close()` releases its breakers' bindings, the store's owner calls `store.close()`.
   * @default none (every breaker local)
   */
  store?: StateStore;
}

const REGISTRY_KEYS = ['defaults', 'logger', 'clock', 'store'];

/**
 * @internal Validates a registry's options and returns what its breakers start from: `defaults` with
 * the registry's logger, clock and store under them. Frozen.
 * @throws TypeError or RangeError naming the invalid option or default.
 */
export function resolveRegistryDefaults(options: CircuitBreakerRegistryOptions): Readonly<RegistryDefaults> {
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(expected('options', 'an object', options));
  }
  const { defaults = {}, logger, clock, store, ...unknown } = options;
  const extra = Object.keys(unknown)[0];
  if (extra !== undefined) {
    const near = closestName(extra, REGISTRY_KEYS);
    throw new TypeError(
      `Unknown registry option \`${extra}\`; ${near === undefined ? 'the options are defaults, logger, clock and store' : `did you mean \`${near}\`?`}`,
    );
  }
  if (typeof defaults !== 'object' || defaults === null) {
    throw new TypeError(expected('defaults', 'an object of breaker options', defaults));
  }
  for (const key of ['name', 'initialState'] as const) {
    if ((defaults as CircuitBreakerOptions)[key] !== undefined) {
      throw new TypeError(
        `Unknown option \`defaults.${key}\`: it belongs to each breaker, not to the registry`,
      );
    }
  }
  const base: CircuitBreakerOptions = {};
  if (logger !== undefined) base.logger = logger;
  if (clock !== undefined) base.clock = clock;
  if (store !== undefined) base.store = store;
  const inherited = mergeOptions(base, defaults);
  try {
    resolveOptions({ ...inherited, name: 'defaults' });
  } catch (error) {
    if (error instanceof TypeError) throw new TypeError(`Invalid registry defaults: ${error.message}`);
    if (error instanceof RangeError) throw new RangeError(`Invalid registry defaults: ${error.message}`);
    throw error;
  }
  return Object.freeze(inherited);
}
