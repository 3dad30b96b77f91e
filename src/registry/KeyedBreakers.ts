import { CircuitBreaker, inFlightOf } from '../CircuitBreaker.js';
import type { CircuitState } from '../CircuitState.js';
import type { Clock } from '../clock/Clock.js';
import type { CircuitBreakerMetrics } from '../metrics.js';
import { expected } from '../options/describe.js';
import { resolveOptions } from '../options/resolveOptions.js';
import { setResetOwner, shareOptions } from '../options/sharedOptions.js';
import { tooLongForTimer } from '../options/validate.js';
import type { CircuitBreakerOptions, ResolvedOptions } from '../options.js';
import type { LatencyHistogramSnapshot } from '../window/LatencyHistogram.js';
import { rate } from '../window/rate.js';
import { GroupTotals } from './GroupTotals.js';

/**
 * Options of a keyed group ({@link CircuitBreakerRegistry.keyed}): the options every breaker of the
 * group is created with, plus the group's own limits.
 */
export interface KeyedBreakersOptions extends Omit<CircuitBreakerOptions, 'name' | 'initialState'> {
  /**
   * Breakers kept at most, up to 1,000,000. Beyond it the least recently used key is evicted, a
   * closed one by preference (when none of the oldest is closed, the least recently used idle one
   * goes anyway). A breaker with calls in flight is never evicted: while more than `maxKeys` keys are
   * busy at once the group holds them all (see {@link KeyedGroupStatus.overBound}), and it comes back
   * under the bound as their calls settle.
   * @default 1000
   */
  maxKeys?: number;
  /**
   * Ms after which a key nobody asked for is evicted (swept a little on each `get`, no timer).
   * Breakers that are open or forced stay until they are closed or half-open, and breakers with calls
   * in flight until those settle. `Infinity` keeps keys until `maxKeys` pushes them out.
   * @default 600_000 (10 minutes)
   */
  idleTtl?: number;
  /**
   * Share this group's state across instances through the breakers' `store` (`breakwater/redis`).
   * Keyed breakers stay local by default: 100,000 keys must not mean 100,000 shared scripts.
   * @default false
   */
  shared?: boolean;
}

/** Cumulative counts of a keyed group: its members' summed, monotonic through evictions and resets. */
export type KeyedGroupTotals = Pick<
  CircuitBreakerMetrics,
  | 'totalCalls'
  | 'successfulCalls'
  | 'failedCalls'
  | 'rejectedCalls'
  | 'ignoredCalls'
  | 'timeouts'
  | 'slowCalls'
  | 'fallbacks'
  | 'stateTransitions'
  | 'transitions'
>;

/** A keyed group as one entry ({@link KeyedBreakers.status}, `registry.groups()`). */
export interface KeyedGroupStatus {
  /** The group's name. */
  readonly name: string;
  /** Breakers the group holds now (more than `maxKeys` while more keys than that are busy). */
  readonly keys: number;
  /** The group's bound ({@link KeyedBreakersOptions.maxKeys}). */
  readonly maxKeys: number;
  /** Breakers with calls in flight now: they are never evicted. */
  readonly busy: number;
  /**
   * Breakers held beyond `maxKeys` (`keys - maxKeys`, or 0): busy members the group could not evict.
   * Above 0 only while more keys than `maxKeys` have calls in flight at once (or just had: the group
   * evicts a few idle ones on each `get` until it is back under the bound).
   */
  readonly overBound: number;
  /** Breakers per state. */
  readonly states: Readonly<Record<CircuitState, number>>;
  /** Names of the breakers that are not closed (at most `maxKeys`). */
  readonly notClosed: readonly string[];
  /** Whether the group's breakers are `critical`. */
  readonly critical: boolean;
  /** Counters summed over the members, monotonic through evictions and resets. */
  readonly totals: KeyedGroupTotals;
  /** Calls, failures and slow calls in the live members' windows, summed. */
  readonly window: {
    /** Calls in the windows. */
    readonly calls: number;
    /** Failures in the windows. */
    readonly failures: number;
    /** Slow calls in the windows. */
    readonly slowCalls: number;
  };
  /** Failures / calls over the live members' windows (0 when empty). */
  readonly failureRate: number;
  /** The members' latency histograms added up, retired members included. */
  readonly latency: LatencyHistogramSnapshot;
}

/** @internal What a registry hears from a group it holds. */
export interface GroupHooks {
  added(breaker: CircuitBreaker, group: KeyedBreakers): void;
  removed(breaker: CircuitBreaker, group: KeyedBreakers): void;
}

let attach: (group: KeyedBreakers, hooks: GroupHooks) => void;
let givenOptions: (group: KeyedBreakers) => Readonly<Record<string, unknown>>;

/** Oldest entries looked at per `get` for idle keys. */
const SWEEP_SCAN = 4;
/** Oldest entries looked at for a closed breaker to evict when the group is full. */
const EVICT_SCAN = 64;
/** Breakers evicted at most per `get` when the group is over its bound (after busy members settled). */
const EVICT_BATCH = 4;
/** Removed breakers whose calls were still in flight, looked at per `get` (see `#draining`). */
const DRAIN_SCAN = 2;
/** The largest `maxKeys`: the bound on a group's memory must itself be bounded. */
const MAX_KEYS = 1_000_000;

interface Entry {
  readonly breaker: CircuitBreaker;
  lastUsed: number;
}

/**
 * One breaker per key (endpoint, host, tenant), created on first use and named `<name>:<key>`. Memory
 * is bounded whatever keys arrive: at most `maxKeys` breakers are kept, and idle ones are evicted.
 * Evicted breakers are disposed. Create groups with {@link CircuitBreakerRegistry.keyed}, which lists
 * their breakers in `statuses()` and `health()`.
 *
 * Keys are kept in least-recently-used order by {@link KeyedBreakers.get}: call it for every call
 * rather than holding on to a breaker.
 *
 * @example
 * ```ts
 * const perTenant = registry.keyed('tenant-db', { failureThreshold: 3, maxKeys: 500 });
 * await perTenant.get(tenantId).call(() => query(tenantId, sql));
 * ```
 */
export class KeyedBreakers implements Iterable<CircuitBreaker> {
  /** The group's name; its breakers are named `<name>:<key>`. */
  readonly name: string;
  /** See {@link KeyedBreakersOptions.maxKeys}. */
  readonly maxKeys: number;
  /** See {@link KeyedBreakersOptions.idleTtl}. */
  readonly idleTtl: number;
  /** See {@link KeyedBreakersOptions.shared}. */
  readonly shared: boolean;
  /** Whether the group's breakers are `critical` (see `registry.health()`). */
  readonly critical: boolean;
  readonly #options: ResolvedOptions;
  /** The options as given (merged with inherited ones), to tell whether a later `keyed()` asks for the same group. */
  readonly #given: Readonly<Record<string, unknown>>;
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  readonly #totals = new GroupTotals();
  /**
   * Breakers removed by `delete()` while their calls were in flight: their outcomes still land in
   * their metrics, so they are added to the totals as live members until idle, then retired.
   */
  readonly #draining = new Set<CircuitBreaker>();
  #hooks: GroupHooks | undefined = undefined;

  static {
    attach = (group, hooks) => {
      group.#hooks = hooks;
    };
    givenOptions = (group) => group.#given;
  }

  /**
   * Prefer {@link CircuitBreakerRegistry.keyed}, which applies the registry's defaults and lists the
   * group. A group made directly works on its own.
   * @param name - The group's name, a non-empty string.
   * @param options - Breaker options for every key, plus `maxKeys`, `idleTtl` and `shared`.
   * @throws TypeError or RangeError for an invalid option, naming it, what is expected and the value.
   */
  constructor(name: string, options: KeyedBreakersOptions = {}) {
    if (typeof name !== 'string' || name.length === 0) {
      throw new TypeError(expected('name', 'a non-empty string', name));
    }
    if (typeof options !== 'object' || options === null) {
      throw new TypeError(expected('options', 'an object', options));
    }
    const { maxKeys = 1000, idleTtl = 600_000, shared = false, ...breakerOptions } = options;
    if (typeof maxKeys !== 'number' || !Number.isInteger(maxKeys) || maxKeys < 1) {
      const error = expected('maxKeys', 'an integer >= 1', maxKeys);
      throw typeof maxKeys === 'number' ? new RangeError(error) : new TypeError(error);
    }
    if (maxKeys > MAX_KEYS) {
      throw new RangeError(
        `${expected('maxKeys', `an integer from 1 to ${MAX_KEYS}`, maxKeys)}; ` +
          'the group keeps a breaker for each key up to this bound: it is the bound on its memory',
      );
    }
    if (typeof idleTtl !== 'number' || !(idleTtl > 0)) {
      const error = expected('idleTtl', 'a duration in ms > 0 (or Infinity)', idleTtl);
      throw typeof idleTtl === 'number' ? new RangeError(error) : new TypeError(error);
    }
    if (idleTtl !== Number.POSITIVE_INFINITY) {
      const tooLong = tooLongForTimer('idleTtl', idleTtl);
      if (tooLong !== undefined) throw tooLong;
    }
    if (typeof shared !== 'boolean') throw new TypeError(expected('shared', 'a boolean', shared));
    for (const key of ['name', 'initialState'] as const) {
      if ((breakerOptions as CircuitBreakerOptions)[key] !== undefined) {
        throw new TypeError(
          `Unknown option \`${key}\` for a keyed group: each breaker is named and started by the group`,
        );
      }
    }
    // The seam for shared state: when `shared` is false, a `store` is kept off the group's breakers
    // (the store option itself joins with `breakwater/redis`).
    const { store: _store, ...local } = breakerOptions;
    // Resolved once, so that `get()` cannot throw and every breaker of the group shares one frozen
    // options object: a keyed breaker's memory is then its state alone.
    const resolved = resolveOptions({ ...(shared ? breakerOptions : local), name });
    this.name = name;
    this.maxKeys = maxKeys;
    this.idleTtl = idleTtl;
    this.shared = shared;
    this.critical = resolved.critical;
    this.#clock = resolved.clock;
    this.#options = resolved;
    setResetOwner(resolved, this.#totals);
    this.#given = Object.freeze({ ...options });
  }

  /** Breakers currently kept. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * The breaker of `key`, created on first use (named `<name>:<key>`) and marked as just used. Evicts a
   * few idle keys, and one key when the group is full (a few while it is over its bound); never a
   * breaker with calls in flight.
   * @param key - Any string: an origin, a tenant id, an endpoint.
   * @returns The key's breaker.
   * @throws TypeError when `key` is not a string.
   * @example
   * ```ts
   * const breaker = hosts.get(new URL(url).origin);
   * ```
   */
  get(key: string): CircuitBreaker {
    if (typeof key !== 'string') throw new TypeError(expected('key', 'a string', key));
    const now = this.#clock.now();
    this.#sweep(now);
    if (this.#draining.size > 0) this.#drain(DRAIN_SCAN);
    const entries = this.#entries;
    const entry = entries.get(key);
    if (entry !== undefined) {
      entries.delete(key);
      entry.lastUsed = now;
      entries.set(key, entry);
      // Over the bound (busy members that have since settled): back under it a few at a time.
      for (let i = 0; i < EVICT_BATCH && entries.size > this.maxKeys; i++) {
        if (!this.#evictOne(entry)) break;
      }
      return entry.breaker;
    }
    for (let i = 0; i < EVICT_BATCH && entries.size >= this.maxKeys; i++) {
      if (!this.#evictOne(undefined)) break;
    }
    const breaker = new CircuitBreaker(shareOptions(this.#options, `${this.name}:${key}`));
    entries.set(key, { breaker, lastUsed: now });
    this.#hooks?.added(breaker, this);
    return breaker;
  }

  /**
   * The breaker of `key` if it is kept, without creating it or marking it used.
   * @returns The breaker, or `undefined`.
   */
  peek(key: string): CircuitBreaker | undefined {
    return this.#entries.get(key)?.breaker;
  }

  /** Whether a breaker is kept for `key`. */
  has(key: string): boolean {
    return this.#entries.has(key);
  }

  /**
   * Disposes and forgets the breaker of `key`, even with calls in flight: those still settle and
   * still count in the group's totals. A new breaker for the key (the next `get`) starts with none
   * in flight: its `maxConcurrentCalls` does not count the old one's calls.
   * @returns Whether there was one.
   */
  delete(key: string): boolean {
    const entry = this.#entries.get(key);
    if (entry === undefined) return false;
    this.#evict(key, entry);
    return true;
  }

  /** Disposes and forgets every breaker of the group (as {@link KeyedBreakers.delete}). */
  clear(): void {
    for (const [key, entry] of [...this.#entries]) this.#evict(key, entry);
  }

  /**
   * The group as one entry: breakers per state, the names of those not closed, and counters summed
   * over its members (monotonic: evicted and reset members' counts are kept).
   */
  status(): KeyedGroupStatus {
    const states: Record<CircuitState, number> = {
      closed: 0,
      open: 0,
      half_open: 0,
      forced_open: 0,
      forced_closed: 0,
    };
    const notClosed: string[] = [];
    let calls = 0;
    let failures = 0;
    let slowCalls = 0;
    let busy = 0;
    for (const breaker of this) {
      const m = breaker.metrics();
      states[m.state]++;
      if (m.state !== 'closed') notClosed.push(breaker.name);
      if (m.inFlight > 0) busy++;
      calls += m.windowCalls;
      failures += Math.round(m.failureRate * m.windowCalls);
      slowCalls += Math.round(m.slowCallRate * m.windowCalls);
    }
    this.#drain(this.#draining.size);
    const members = this.#draining.size === 0 ? this : [...this, ...this.#draining];
    const { totals, latency } = this.#totals.with(members);
    const keys = this.#entries.size;
    return {
      name: this.name,
      keys,
      maxKeys: this.maxKeys,
      busy,
      overBound: Math.max(0, keys - this.maxKeys),
      states,
      notClosed,
      critical: this.critical,
      totals,
      window: { calls, failures, slowCalls },
      failureRate: rate(failures, calls),
      latency,
    };
  }

  /** The keys kept, least recently used first. */
  keys(): IterableIterator<string> {
    return this.#entries.keys();
  }

  /** The breakers kept, least recently used first. */
  *[Symbol.iterator](): Iterator<CircuitBreaker> {
    for (const entry of this.#entries.values()) yield entry.breaker;
  }

  /** Evicts idle keys among the oldest few. Map order is use order, so the idle ones come first. */
  #sweep(now: number): void {
    if (this.idleTtl === Number.POSITIVE_INFINITY) return;
    const cutoff = now - this.idleTtl;
    let scanned = 0;
    for (const [key, entry] of this.#entries) {
      if (entry.lastUsed > cutoff || ++scanned > SWEEP_SCAN) return;
      const state = entry.breaker.state;
      // An open or forced breaker still protects (or carries an operator's decision), and one with
      // calls in flight still counts them against its bulkhead and trial slots: keep both.
      if ((state === 'closed' || state === 'half_open') && inFlightOf(entry.breaker) === 0)
        this.#evict(key, entry);
    }
  }

  /**
   * Evicts the least recently used idle closed breaker among the oldest few, else the least recently
   * used idle one among them. A breaker with calls in flight is never evicted: its outcomes would be
   * lost from the totals, and a new breaker for its key would admit calls past `maxConcurrentCalls`.
   * @param keep - The entry being handed out, never evicted.
   * @returns Whether one was evicted (not when every breaker looked at is busy).
   */
  #evictOne(keep: Entry | undefined): boolean {
    let oldestIdle: [string, Entry] | undefined;
    let scanned = 0;
    for (const item of this.#entries) {
      if (++scanned > EVICT_SCAN) break;
      const breaker = item[1].breaker;
      if (item[1] === keep || inFlightOf(breaker) > 0) continue;
      if (breaker.state === 'closed') {
        this.#evict(item[0], item[1]);
        return true;
      }
      oldestIdle ??= item;
    }
    if (oldestIdle === undefined) return false;
    this.#evict(oldestIdle[0], oldestIdle[1]);
    return true;
  }

  #evict(key: string, entry: Entry): void {
    this.#entries.delete(key);
    const breaker = entry.breaker;
    // Outcomes of calls still in flight land in the disposed breaker's metrics: retire it once idle.
    if (inFlightOf(breaker) > 0) this.#draining.add(breaker);
    else this.#totals.retire(breaker.metrics(), breaker.latencyHistogram());
    breaker.dispose();
    this.#hooks?.removed(breaker, this);
  }

  /** Retires up to `limit` removed breakers whose calls have all settled since. */
  #drain(limit: number): void {
    let looked = 0;
    for (const breaker of this.#draining) {
      if (++looked > limit) return;
      if (inFlightOf(breaker) > 0) continue;
      this.#draining.delete(breaker);
      this.#totals.retire(breaker.metrics(), breaker.latencyHistogram());
    }
  }
}

/** @internal Lets a registry hear of the breakers a group creates and removes. */
export function attachGroupHooks(group: KeyedBreakers, hooks: GroupHooks): void {
  attach(group, hooks);
}

/**
 * @internal The first option in which `options` differs from those the group was created with, or
 * `undefined` when they are the same (values compared by identity, nested objects by their keys).
 */
export function differingOption(
  group: KeyedBreakers,
  options: Readonly<Record<string, unknown>>,
): string | undefined {
  const given = givenOptions(group);
  const keys = new Set([...Object.keys(given), ...Object.keys(options)]);
  for (const key of keys) {
    if (!sameValue(given[key], options[key])) return key;
  }
  return undefined;
}

function sameValue(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => Object.is(x, b[i]));
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) || Array.isArray(b)) return false;
  const ka = Object.keys(a);
  const kb = Object.keys(b);
  return (
    ka.length === kb.length &&
    ka.every((k) => Object.is((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]))
  );
}
