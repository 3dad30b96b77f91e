import { type Clock, systemClock } from '../clock/Clock.js';
import { guardClock } from '../clock/GuardedClock.js';
import { expected } from '../options/describe.js';
import type { ResolvedOptions } from '../options.js';
import { MemoryBinding } from './memory/MemoryBinding.js';
import { MemoryFleet } from './memory/MemoryFleet.js';
import type {
  BoundBreaker,
  FleetCommand,
  FleetStatus,
  StateStore,
  StoreAdmin,
  StoreBinding,
} from './StateStore.js';

/** Options of {@link MemoryStore}. */
export interface MemoryStoreOptions {
  /**
   * Distinct instances (here: bound breakers) that must trip locally within the window before the
   * fleet opens; with 1, any trip, local or shared, opens it for all.
   * @default 1
   */
  quorum?: number;
  /** The fleet's clock (shared deadlines, windows, leases). @default the first bound breaker's clock */
  clock?: Clock;
}

/**
 * Fleet state for breakers inside one process, with the semantics of `RedisStore` (DESIGN section 5):
 * every breaker bound under the same name is one instance of one fleet. Failures add up across them,
 * an open on one is seen by all, at most `halfOpenMaxCalls` trials run at once through a lease,
 * manual control applies to all, and `quorum` works the same. Outcomes are counted at once (there is
 * no flush to wait for), and a half-open lease is granted synchronously.
 *
 * Uses no `node:` module: it runs wherever the core does. With a `FakeClock` it makes every fleet
 * rule testable without Redis. It is also a {@link StoreAdmin}.
 *
 * Each binding (each breaker bound) has an id unique in the store, `memory-1`, `memory-2`, ... in
 * the order they were bound: the instance id of `openedBy`. When a breaker's own decision opens the
 * fleet (its rule tripped, a trial failed, `open()`, `forceOpen()`), its `open` event has that rule's
 * `reason` and `openedBy: null` (it decided; its `metrics().openedBy` is `null` too), and every other
 * breaker of the name follows with `reason: 'remote'` and `openedBy` the decider's id. When the
 * shared rules trip on the outcomes the fleet added up, the breaker whose report tripped them is
 * named; an operator's `control()` names no one (`openedBy: null`).
 *
 * @example
 * ```ts
 * const store = new MemoryStore();
 * const a = new CircuitBreaker({ name: 'db', store, failureThreshold: 3 });
 * const b = new CircuitBreaker({ name: 'db', store, failureThreshold: 3 });
 * a.open();
 * b.state; // 'open'
 * ```
 */
export class MemoryStore implements StateStore, StoreAdmin {
  readonly #fleets = new Map<string, MemoryFleet>();
  readonly #quorum: number;
  #clock: Clock | undefined;
  #closed = false;
  /** Bindings made so far: the next one is `memory-<bindings + 1>`. */
  #bindings = 0;

  /**
   * @param options - `quorum` and `clock`.
   * @throws TypeError for an unknown option or a clock without `now()`, RangeError for a `quorum`
   * that is not an integer >= 1.
   */
  constructor(options: MemoryStoreOptions = {}) {
    if (typeof options !== 'object' || options === null)
      throw new TypeError(expected('options', 'an object', options));
    for (const key of Object.keys(options)) {
      if (key !== 'quorum' && key !== 'clock')
        throw new TypeError(`Unknown MemoryStore option \`${key}\`; the options are quorum and clock`);
    }
    const quorum = options.quorum ?? 1;
    if (typeof quorum !== 'number') throw new TypeError(expected('quorum', 'an integer >= 1', quorum));
    if (!Number.isInteger(quorum) || quorum < 1)
      throw new RangeError(expected('quorum', 'an integer >= 1', quorum));
    if (options.clock !== undefined && typeof options.clock?.now !== 'function')
      throw new TypeError(
        expected('clock', 'a Clock with now(), setTimeout() and clearTimeout()', options.clock),
      );
    this.#quorum = quorum;
    this.#clock = options.clock === undefined ? undefined : guardClock(options.clock, undefined);
  }

  /**
   * Binds a breaker (called by the breaker's constructor).
   * @param name - The breaker's name: breakers of the same name share one state.
   * @param options - The breaker's effective options.
   * @param breaker - What the store may call on the breaker.
   * @returns The breaker's binding.
   * @throws Error after {@link MemoryStore.close}.
   */
  bind(name: string, options: ResolvedOptions, breaker: BoundBreaker): StoreBinding {
    if (this.#closed) throw new Error('This MemoryStore is closed');
    this.#clock ??= options.clock ?? systemClock;
    let fleet = this.#fleets.get(name);
    if (fleet === undefined) {
      fleet = new MemoryFleet(name, this.#quorum, () => this.#clock ?? systemClock);
      this.#fleets.set(name, fleet);
    }
    const binding = new MemoryBinding(`memory-${++this.#bindings}`, fleet, options, breaker);
    fleet.join(binding);
    return binding;
  }

  /**
   * Every breaker name bound to this store, with its shared state and counts.
   * @returns One {@link FleetStatus} per name, sorted by name.
   */
  list(): Promise<FleetStatus[]> {
    const clock = this.#clock ?? systemClock;
    const now = clock.now();
    const wall = clock.wallNow?.() ?? Date.now();
    const statuses = [...this.#fleets.values()]
      .filter((fleet) => fleet.members.size > 0 || fleet.epoch > 0)
      .map((fleet) => fleet.status(now, wall))
      .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    return Promise.resolve(statuses);
  }

  /**
   * Applies manual control to every breaker of that name.
   * @param name - A bound breaker's name.
   * @param command - `open` (for `openFor` ms, default the last open period or `resetTimeout`),
   * `force_open`, `force_close` or `reset`.
   * @param openFor - For `open`: ms to stay open.
   * @returns Resolves once every bound breaker has applied it.
   * @throws (rejects) an Error when no breaker of that name is bound, a RangeError for a bad `openFor`.
   */
  control(name: string, command: FleetCommand, openFor?: number): Promise<void> {
    const fleet = this.#fleets.get(name);
    if (fleet === undefined || fleet.members.size === 0)
      return Promise.reject(new Error(`No instance has a breaker named '${name}': nothing to control`));
    if (openFor !== undefined && !(openFor >= 0 && openFor <= 2_147_483_647))
      return Promise.reject(
        new RangeError(expected('openFor', 'a duration in ms from 0 to 2147483647', openFor)),
      );
    if (command === 'open') fleet.control('open', 'manual_open', openFor);
    else if (command === 'force_open') fleet.control('forced_open', 'force_open');
    else if (command === 'force_close') fleet.control('forced_closed', 'force_close');
    else if (command === 'reset') fleet.control('closed', 'reset');
    else
      return Promise.reject(
        new TypeError(expected('command', "'open', 'force_open', 'force_close' or 'reset'", command)),
      );
    return Promise.resolve();
  }

  /** Stops accepting bindings. Bound breakers keep their state; nothing is pending. */
  close(): Promise<void> {
    this.#closed = true;
    return Promise.resolve();
  }
}
