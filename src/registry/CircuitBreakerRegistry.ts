import { CircuitBreaker } from '../CircuitBreaker.js';
import { expected } from '../internal/describe.js';
import { mergeOptions } from '../internal/mergeOptions.js';
import type { CircuitBreakerOptions } from '../options.js';
import {
  type BreakerHealth,
  type BreakerStatus,
  breakerHealth,
  breakerStatus,
  groupHealth,
  type HealthStatus,
  isDegraded,
  type KeyedGroupHealth,
  type RegistryHealth,
} from './health.js';
import { KeyedBreakers, type KeyedBreakersOptions } from './KeyedBreakers.js';
import {
  type CircuitBreakerRegistryOptions,
  type RegistryDefaults,
  resolveRegistryDefaults,
} from './registryDefaults.js';

/**
 * Names and holds the breakers of a service: one place to create them with shared defaults, look
 * them up, list them for metrics and dashboards, and report health.
 *
 * @example
 * ```ts
 * const registry = new CircuitBreakerRegistry({ defaults: { resetTimeout: 30_000 }, logger });
 * const db = registry.register('database', { failureThreshold: 3, critical: true });
 * const api = registry.getOrCreate('payment-api');
 * registry.health(); // { status: 'healthy', breakers: { database: {...}, 'payment-api': {...} } }
 * ```
 */
export class CircuitBreakerRegistry implements Iterable<CircuitBreaker> {
  readonly #inherited: RegistryDefaults;
  readonly #breakers = new Map<string, CircuitBreaker>();
  readonly #groups = new Map<string, KeyedBreakers>();

  /**
   * @param options - `defaults`, `logger` and `clock` for the breakers it creates.
   * @throws TypeError or RangeError when an option or a default is invalid (the message names it).
   */
  constructor(options: CircuitBreakerRegistryOptions = {}) {
    this.#inherited = resolveRegistryDefaults(options);
  }

  /** The options every breaker it creates starts from: `defaults`, with the registry's logger and clock. Frozen. */
  get defaults(): Readonly<RegistryDefaults> {
    return this.#inherited;
  }

  /**
   * Adds a breaker under `name`: built from `options` over the registry's defaults, or an existing
   * breaker (e.g. from `CircuitBreaker.fromEnv`), which keeps its own options.
   * @param name - A name no breaker or keyed group of the registry uses.
   * @param optionsOrBreaker - Breaker options (their `name`, if given, must equal `name`) or a breaker named `name`.
   * @returns The registered breaker.
   * @throws Error when the name is taken; RangeError when the breaker's or the options' name differs;
   * TypeError or RangeError for invalid options.
   * @example
   * ```ts
   * registry.register('email', CircuitBreaker.fromEnv('email'));
   * ```
   */
  register(name: string, optionsOrBreaker: CircuitBreakerOptions | CircuitBreaker = {}): CircuitBreaker {
    checkName(name);
    this.#checkFree(name);
    let breaker: CircuitBreaker;
    if (optionsOrBreaker instanceof CircuitBreaker) {
      if (optionsOrBreaker.name !== name) {
        throw new RangeError(
          expected(
            'breaker.name',
            `${JSON.stringify(name)} (the name it is registered under)`,
            optionsOrBreaker.name,
          ),
        );
      }
      breaker = optionsOrBreaker;
    } else {
      if (typeof optionsOrBreaker !== 'object' || optionsOrBreaker === null) {
        throw new TypeError(
          expected('optionsOrBreaker', 'breaker options or a CircuitBreaker', optionsOrBreaker),
        );
      }
      const own = optionsOrBreaker.name;
      if (own !== undefined && own !== name) {
        throw new RangeError(expected('options.name', `${JSON.stringify(name)} or absent`, own));
      }
      breaker = new CircuitBreaker(mergeOptions(this.#inherited, optionsOrBreaker, name));
    }
    this.#breakers.set(name, breaker);
    return breaker;
  }

  /**
   * The breaker named `name` (a keyed breaker by its `<group>:<key>` name too), without creating it.
   * @returns The breaker, or `undefined`.
   */
  get(name: string): CircuitBreaker | undefined {
    const breaker = this.#breakers.get(name);
    if (breaker !== undefined) return breaker;
    const keyed = this.#keyed(name);
    return keyed?.group.peek(keyed.key);
  }

  /**
   * The breaker named `name`, created from `options` over the defaults if there is none.
   * @param options - Used only when the breaker is created.
   * @returns The existing or new breaker.
   * @throws As {@link CircuitBreakerRegistry.register} when it creates one.
   */
  getOrCreate(name: string, options?: CircuitBreakerOptions): CircuitBreaker {
    return this.get(name) ?? this.register(name, options);
  }

  /**
   * A group of breakers, one per key, named `<name>:<key>` (see {@link KeyedBreakers}). The
   * registry's defaults apply under `options`. With a name already used by a group, returns that
   * group (`options` apply only on creation).
   * @param name - The group's name.
   * @param options - Breaker options plus `maxKeys` (default 1000), `idleTtl` (default 10 min) and `shared`.
   * @returns The group.
   * @throws Error when a breaker already uses the name; TypeError or RangeError for invalid options.
   * @example
   * ```ts
   * const hosts = registry.keyed('upstream', { failureRateThreshold: 0.5, maxKeys: 200 });
   * await hosts.get('api.example.com').call(() => send(request));
   * ```
   */
  keyed(name: string, options: KeyedBreakersOptions = {}): KeyedBreakers {
    checkName(name);
    const existing = this.#groups.get(name);
    if (existing !== undefined) return existing;
    if (this.#breakers.has(name)) throw taken(name, 'a breaker');
    const prefix = `${name}:`;
    for (const other of this.#breakers.keys()) {
      if (other.startsWith(prefix))
        throw taken(name, `breaker '${other}', which the group's names would shadow,`);
    }
    for (const other of this.#groups.keys()) {
      if (other.startsWith(prefix) || name.startsWith(`${other}:`)) {
        throw taken(name, `keyed group '${other}', whose breaker names would overlap,`);
      }
    }
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(expected('options', 'an object', options));
    }
    const group = new KeyedBreakers(name, mergeOptions(this.#inherited, options) as KeyedBreakersOptions);
    this.#groups.set(name, group);
    return group;
  }

  /**
   * Disposes and forgets a breaker, a keyed breaker (`<group>:<key>`) or a whole keyed group.
   * @returns Whether it existed.
   */
  remove(name: string): boolean {
    const breaker = this.#breakers.get(name);
    if (breaker !== undefined) {
      this.#breakers.delete(name);
      breaker.dispose();
      return true;
    }
    const group = this.#groups.get(name);
    if (group !== undefined) {
      this.#groups.delete(name);
      group.clear();
      return true;
    }
    const keyed = this.#keyed(name);
    return keyed?.group.delete(keyed.key) ?? false;
  }

  /**
   * Resets a breaker, a keyed breaker or every breaker of a keyed group to CLOSED with counts cleared.
   * @returns Whether it existed.
   */
  reset(name: string): boolean {
    const group = this.#groups.get(name);
    if (group !== undefined) {
      for (const breaker of group) breaker.reset();
      return true;
    }
    const breaker = this.get(name);
    breaker?.reset();
    return breaker !== undefined;
  }

  /** Resets every breaker, keyed ones included. */
  resetAll(): void {
    for (const breaker of this) breaker.reset();
  }

  /**
   * Every breaker's state and metrics, keyed breakers included (with their `group`).
   * @returns One entry per breaker: `{ name, state, isAvailable, failureRate, metrics, group? }`.
   */
  statuses(): BreakerStatus[] {
    const list: BreakerStatus[] = [];
    for (const breaker of this.#breakers.values()) list.push(breakerStatus(breaker));
    for (const group of this.#groups.values()) {
      for (const breaker of group) list.push(breakerStatus(breaker, group.name));
    }
    return list;
  }

  /**
   * The service's health for a health endpoint: `degraded` while any breaker is open, half-open or
   * forced open; `unhealthy` only while such a breaker was created with `critical: true`. Each breaker
   * reports `{ state, failureCount, failureRate }` of its window (frozen while open); a keyed group is
   * one entry `{ state (its worst), keys, open }`.
   * @returns `{ status, breakers }`.
   * @example
   * ```ts
   * const { status } = registry.health();
   * res.statusCode = status === 'unhealthy' ? 503 : 200;
   * ```
   */
  health(): RegistryHealth {
    let status: HealthStatus = 'healthy';
    const breakers: Record<string, BreakerHealth | KeyedGroupHealth> = Object.create(null);
    const note = (state: BreakerHealth['state'], critical: boolean): void => {
      if (!isDegraded(state)) return;
      if (critical) status = 'unhealthy';
      else if (status === 'healthy') status = 'degraded';
    };
    for (const [name, breaker] of this.#breakers) {
      const entry = breakerHealth(breaker);
      breakers[name] = entry;
      note(entry.state, breaker.options.critical);
    }
    for (const [name, group] of this.#groups) {
      const entry = groupHealth(group);
      breakers[name] = entry;
      note(entry.state, group.critical);
    }
    return { status, breakers };
  }

  /** Every breaker: registered ones, then those of keyed groups. */
  *[Symbol.iterator](): Iterator<CircuitBreaker> {
    yield* this.#breakers.values();
    for (const group of this.#groups.values()) yield* group;
  }

  #keyed(name: string): { group: KeyedBreakers; key: string } | undefined {
    for (const group of this.#groups.values()) {
      const prefix = `${group.name}:`;
      if (name.startsWith(prefix)) return { group, key: name.slice(prefix.length) };
    }
    return undefined;
  }

  #checkFree(name: string): void {
    if (this.#breakers.has(name)) throw taken(name, 'a breaker');
    if (this.#groups.has(name)) throw taken(name, 'a keyed group');
    const keyed = this.#keyed(name);
    if (keyed !== undefined) throw taken(name, `keyed group '${keyed.group.name}' (its breakers' names)`);
  }
}

function checkName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(expected('name', 'a non-empty string', name));
  }
}

function taken(name: string, by: string): Error {
  return new Error(`The name '${name}' is taken by ${by} in this registry`);
}
