import { CircuitBreaker } from '../CircuitBreaker.js';
import { EventHub } from '../engine/EventHub.js';
import type { Listener } from '../events.js';
import { logSafely } from '../logging/logSafely.js';
import { closestName } from '../options/closestName.js';
import { expected } from '../options/describe.js';
import { mergeOptions } from '../options/mergeOptions.js';
import type { CircuitBreakerOptions, Logger } from '../options.js';
import { dropCumulative, keepCumulative } from './cumulative.js';
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
import {
  attachGroupHooks,
  differingOption,
  type GroupHooks,
  KeyedBreakers,
  type KeyedBreakersOptions,
  type KeyedGroupStatus,
} from './KeyedBreakers.js';
import {
  type CircuitBreakerRegistryOptions,
  type RegistryDefaults,
  resolveRegistryDefaults,
} from './registryDefaults.js';

/** A breaker joining or leaving a registry (`registry.on('add' | 'remove')`). */
export interface RegistryChange {
  /** The breaker's name (`<group>:<key>` for a keyed breaker). */
  readonly name: string;
  /** The breaker (disposed, for `remove`). */
  readonly breaker: CircuitBreaker;
  /** For a breaker of a keyed group: the group's name. */
  readonly group: string | undefined;
}

/** The events of a {@link CircuitBreakerRegistry}. */
export interface RegistryEvents {
  /** A breaker was registered or created, keyed members included. */
  add: RegistryChange;
  /** A breaker was removed, evicted from its keyed group, or the registry closed (it is disposed). */
  remove: RegistryChange;
}

const REGISTRY_EVENTS: readonly (keyof RegistryEvents)[] = ['add', 'remove'];

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
  #events: EventHub<RegistryEvents> | undefined = undefined;
  #closed = false;
  readonly #groupHooks: GroupHooks = {
    added: (breaker, group) => this.#emit('add', breaker, group.name),
    removed: (breaker, group) => this.#emit('remove', breaker, group.name),
  };

  /**
   * @param options - `defaults`, `logger`, `clock` and `store` for the breakers it creates.
   * @throws TypeError or RangeError when an option or a default is invalid (the message names it).
   */
  constructor(options: CircuitBreakerRegistryOptions = {}) {
    this.#inherited = resolveRegistryDefaults(options);
  }

  /**
   * Subscribes to breakers joining (`add`) and leaving (`remove`) the registry, keyed members
   * included: exporters and event streams follow breakers that come and go.
   * @returns A function that unsubscribes.
   * @throws TypeError for an unknown event (naming the closest) or a listener that is not a function.
   * @example
   * ```ts
   * registry.on('add', ({ name, breaker }) => breaker.on('open', () => page(name)));
   * ```
   */
  on<K extends keyof RegistryEvents>(event: K, listener: Listener<RegistryEvents[K]>): () => void {
    if (!REGISTRY_EVENTS.includes(event)) {
      const near = closestName(String(event), REGISTRY_EVENTS);
      throw new TypeError(
        `Unknown registry event \`${String(event)}\`; ${near === undefined ? 'the events are add and remove' : `did you mean \`${near}\`?`}`,
      );
    }
    if (typeof listener !== 'function') throw new TypeError(expected('listener', 'a function', listener));
    this.#events ??= new EventHub<RegistryEvents>(
      (error, name) => reportListenerError(this.#inherited.logger, error, name),
      () => {},
    );
    return this.#events.on(event, listener);
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
    keepCumulative(breaker); // exported counters stay monotonic through its resets
    this.#emit('add', breaker, undefined);
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
   * registry's defaults apply under `options`. With a name already used by a group and the same
   * options, returns that group; with different options it throws, so that two callers never share
   * breakers configured for only one of them.
   * @param name - The group's name.
   * @param options - Breaker options plus `maxKeys` (default 1000), `idleTtl` (default 10 min) and `shared`.
   * @returns The group.
   * @throws Error when a breaker already uses the name; TypeError when the group exists with other
   * options (naming the option that differs) or for invalid options; RangeError for invalid options.
   * @example
   * ```ts
   * const hosts = registry.keyed('upstream', { failureRateThreshold: 0.5, maxKeys: 200 });
   * await hosts.get('api.example.com').call(() => send(request));
   * ```
   */
  keyed(name: string, options: KeyedBreakersOptions = {}): KeyedBreakers {
    checkName(name);
    this.#checkOpen();
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(expected('options', 'an object', options));
    }
    const merged = mergeOptions(this.#inherited, options) as KeyedBreakersOptions;
    const existing = this.#groups.get(name);
    if (existing !== undefined) {
      const differs = differingOption(existing, merged as Readonly<Record<string, unknown>>);
      if (differs === undefined) return existing;
      throw new TypeError(
        `Keyed group '${name}' already exists with other options (\`${differs}\` differs); ` +
          'give this group another name, or the same options',
      );
    }
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
    const group = new KeyedBreakers(name, merged);
    attachGroupHooks(group, this.#groupHooks);
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
      dropCumulative(breaker);
      breaker.dispose();
      this.#emit('remove', breaker, undefined);
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
   * forced open; `unhealthy` only while a breaker created with `critical: true` is open or forced
   * open (half-open stays degraded, so that the instance keeps the traffic its trial needs). Each breaker
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
      // Half-open is degraded even for a critical breaker: a 503 then would drain the instance
      // from its load balancer and starve the trial that would close it.
      if (critical && state !== 'half_open') status = 'unhealthy';
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

  /**
   * The breakers registered by name (`register`, `getOrCreate`), without the members of keyed
   * groups: with {@link CircuitBreakerRegistry.groups}, what an exporter shows one entry each.
   * @returns A new array (a snapshot: registering or removing later does not change it).
   */
  registered(): CircuitBreaker[] {
    return [...this.#breakers.values()];
  }

  /**
   * Each keyed group as one entry, whatever its size: breakers per state, the names of those not
   * closed, and counters summed over its members (monotonic through evictions and resets).
   * @returns One {@link KeyedGroupStatus} per group.
   */
  groups(): KeyedGroupStatus[] {
    return [...this.#groups.values()].map((group) => group.status());
  }

  /**
   * The keyed group named `name`, without creating it.
   * @returns The group, or `undefined`.
   */
  group(name: string): KeyedBreakers | undefined {
    return this.#groups.get(name);
  }

  /**
   * Disposes every breaker (keyed ones included), releasing their store bindings, and refuses new
   * ones. A store may serve several registries: its owner closes it with `store.close()`.
   */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    for (const name of [...this.#groups.keys()]) this.remove(name);
    for (const name of [...this.#breakers.keys()]) this.remove(name);
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

  #emit(event: keyof RegistryEvents, breaker: CircuitBreaker, group: string | undefined): void {
    this.#events?.emit(event, { name: breaker.name, breaker, group });
  }

  #checkOpen(): void {
    if (this.#closed) throw new Error('This registry is closed: it creates no more breakers');
  }

  #checkFree(name: string): void {
    this.#checkOpen();
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

function reportListenerError(
  logger: Logger | undefined,
  error: unknown,
  event: string | number | symbol,
): void {
  logSafely(logger, 'error', { err: error }, `A registry '${String(event)}' listener threw`);
}

function taken(name: string, by: string): Error {
  return new Error(`The name '${name}' is taken by ${by} in this registry`);
}
