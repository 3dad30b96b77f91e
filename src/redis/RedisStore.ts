import { randomBytes } from 'node:crypto';
import type { ResolvedOptions } from '../options.js';
import type {
  BoundBreaker,
  FleetCommand,
  FleetStatus,
  StateStore,
  StoreAdmin,
  StoreBinding,
} from '../store/StateStore.js';
import { adapterFor } from './adapters/adapterFor.js';
import type { ConnectionSettings, RedisAdapter } from './adapters/RedisConnection.js';
import { ClockSync } from './ClockSync.js';
import { breakerKeys, indexKey, keyList, transitionChannel } from './keys.js';
import { type BindingHost, RedisBinding } from './RedisBinding.js';
import {
  type RedisStoreOptions,
  type ResolvedRedisOptions,
  resolveRedisOptions,
} from './RedisStoreOptions.js';
import { parseMessage, parseReply, parseStatus, type Reply } from './Reply.js';
import { SupervisedConnection } from './SupervisedConnection.js';
import type { Script } from './scripts/Script.js';
import { SCRIPTS } from './scripts/scripts.js';

const COMMANDS: Record<FleetCommand, [string, string]> = {
  open: ['open', 'manual_open'],
  force_open: ['forced_open', 'force_open'],
  force_close: ['forced_closed', 'force_close'],
  reset: ['closed', 'reset'],
};

/** Counters of what a {@link RedisStore} sent and received, for measuring its load. */
export interface RedisStoreStats {
  /** Commands sent (scripts and index updates). */
  readonly commands: number;
  /** Flush scripts (reports of counts, resyncs). */
  readonly reports: number;
  /** Transition scripts (local trips, half-open decisions, manual control). */
  readonly transitions: number;
  /** Lease scripts (asks, renewals, releases). */
  readonly leases: number;
  /** Transition messages received by the subscriber. */
  readonly messages: number;
  /** Commands or connections that failed. */
  readonly errors: number;
  /**
   * Connections given up because Redis stopped answering on them (a command past `commandTimeout`,
   * a connection not ready in time, replies out of step) and made anew.
   */
  readonly replaced: number;
  /** Breakers bound now. */
  readonly bindings: number;
}

/**
 * Shares breaker state across every instance of a service through Redis (DESIGN section 5): one
 * breaker per dependency for the whole fleet, with no Redis round trip on the protected call.
 * Admission reads local state; outcomes are counted locally and flushed by one atomic script per
 * breaker; transitions are sent at once and published to every instance; half-open trials are
 * limited fleet-wide by a lease. While Redis is unreachable every breaker keeps working on local
 * state (storage errors become `storeError` events, never exceptions). A Redis that stops answering
 * with its connection up (frozen, paused, partitioned, replies out of step) is unreachable too:
 * every command has a deadline of `commandTimeout`, and a connection that misses it is replaced.
 *
 * It makes its own two connections from `client` with `duplicate()` (commands, subscriber) and
 * never uses or closes the client itself. It is also a {@link StoreAdmin} (the CLI's view).
 *
 * @example
 * ```ts
 * import Redis from 'ioredis';
 * import { CircuitBreakerRegistry } from 'breakwater';
 * import { RedisStore } from 'breakwater/redis';
 *
 * const store = new RedisStore({ client: new Redis(process.env.REDIS_URL) });
 * const registry = new CircuitBreakerRegistry({ store });
 * const payments = registry.getOrCreate('payment-api', { failureRateThreshold: 0.5 });
 * // … on shutdown:
 * registry.close();
 * await store.close();
 * ```
 */
export class RedisStore implements StateStore, StoreAdmin {
  readonly #options: ResolvedRedisOptions;
  readonly #adapter: RedisAdapter;
  readonly #settings: ConnectionSettings;
  readonly #clock = new ClockSync();
  readonly #channel: string;
  readonly #nonce = randomBytes(4).toString('hex');
  readonly #byName = new Map<string, Set<RedisBinding>>();
  readonly #urgent = new Set<RedisBinding>();
  readonly #leaving = new Set<Promise<void>>();
  readonly #readyWaiters: Array<(error?: unknown) => void> = [];
  readonly #stats = {
    commands: 0,
    reports: 0,
    transitions: 0,
    leases: 0,
    messages: 0,
    errors: 0,
    replaced: 0,
  };
  readonly #host: BindingHost;
  #commands: SupervisedConnection | undefined = undefined;
  #subscriber: SupervisedConnection | undefined = undefined;
  #closing: Promise<void> | undefined = undefined;
  #timer: ReturnType<typeof setInterval> | undefined = undefined;
  /** The tick counter and the Redis time at the last tick, read by every binding's `record()`. */
  readonly #time: { tick: number; redisNowAtTick: number };
  #bound = 0;
  #serial = 0;
  #failing = false;
  /** The subscriber failed and is not back (reported apart: commands may work meanwhile). */
  #subscriberFailing = false;
  #everReady = false;
  #urgentQueued = false;
  #closed = false;

  /**
   * @param options - `client` (required), `namespace`, `flushInterval`, `syncInterval`,
   * `reconcileInterval`, `quorum`, `instanceId`, `commandTimeout`.
   * @throws TypeError for a missing or unknown client, an unknown option or a wrong type;
   * RangeError for a value out of range. Messages name the option, the value and what is expected.
   */
  constructor(options: RedisStoreOptions) {
    this.#options = resolveRedisOptions(options);
    const adapter = adapterFor(this.#options.client);
    if (adapter === undefined)
      throw new TypeError(
        'Expected `client` to be an ioredis client (v5/v6), an ioredis Cluster or a node-redis v5+ client ' +
          '(an object with duplicate() and call() or sendCommand()); got an object without them',
      );
    this.#adapter = adapter;
    // The store's own deadline (SupervisedConnection) is `commandTimeout`; the library's is a backstop.
    this.#settings = { commandTimeout: 2 * this.#options.commandTimeout, maxReconnectDelay: 2_000 };
    this.#channel = transitionChannel(this.#options.namespace);
    this.#time = { tick: 0, redisNowAtTick: this.#clock.redisNow() };
    const store = this;
    this.#host = {
      options: this.#options,
      clock: this.#clock,
      channel: this.#channel,
      time: this.#time,
      get connected() {
        return store.#commands?.ready === true;
      },
      get unreachable() {
        // Before the first connection a command may wait for it; after, a lost connection is an outage
        // (and so is one that stopped answering: it is replaced, and not ready until Redis answers).
        return store.#failing || (store.#everReady && store.#commands?.ready !== true);
      },
      whenConnected: () => this.#ready(this.#options.commandTimeout).then(() => {}),
      run: (script, keys, args) => this.#run(script, keys, args),
      urgent: (binding) => this.#markUrgent(binding),
      touch: (name) => this.#touch(name),
      released: (binding) => this.#unbind(binding),
    };
  }

  /** The store's namespace. */
  get namespace(): string {
    return this.#options.namespace;
  }

  /**
   * Binds a breaker (called by the breaker's constructor; never call it yourself).
   * @param name - The breaker's name: every instance binding this name in the namespace shares it.
   * @param options - The breaker's effective options.
   * @param breaker - What the store may call on the breaker.
   * @returns The breaker's binding. Every valid breaker is shared: a window whose buckets are
   * shorter than `syncInterval` syncs every bucket's width. After `close()` the breaker works on
   * local state, and says so with a `storeError` once its constructor has returned (so that a
   * listener added right after construction hears it).
   */
  bind(name: string, options: ResolvedOptions, breaker: BoundBreaker): StoreBinding {
    if (this.#closed) {
      queueMicrotask(() =>
        breaker.storeError(
          new Error(
            `RedisStore (namespace '${this.#options.namespace}') was closed before breaker '${name}' was ` +
              'created: the breaker works on local state only; create it with a store that is not closed',
          ),
        ),
      );
      return LOCAL_ONLY;
    }
    this.#connect(true);
    const token = `${this.#options.instanceId}/${this.#nonce}.${++this.#serial}`;
    const binding = new RedisBinding(this.#host, name, token, options, breaker);
    let bindings = this.#byName.get(name);
    if (bindings === undefined) {
      bindings = new Set();
      this.#byName.set(name, bindings);
    }
    bindings.add(binding);
    this.#bound++;
    this.#timer ??= unref(setInterval(() => this.#onTick(), this.#options.flushInterval));
    if (this.#host.connected) void binding.flush(); // presence, and the fleet's state at once
    return binding;
  }

  /**
   * Sends every pending count now and waits for the answers (a resync of every bound breaker).
   * @returns Resolves when done; never rejects (failures are `storeError` events).
   */
  async flush(): Promise<void> {
    const all: Promise<void>[] = [];
    for (const bindings of this.#byName.values()) for (const binding of bindings) all.push(binding.flush());
    await Promise.allSettled(all);
  }

  /** What the store sent and received so far (its Redis load), and the breakers bound now. */
  stats(): RedisStoreStats {
    return { ...this.#stats, bindings: this.#bound };
  }

  /**
   * Every breaker known in the namespace (bound by some instance within the keys' lifetime), with
   * the fleet's state and the shared window's counts.
   * @returns One {@link FleetStatus} per breaker, sorted by name.
   * @throws (rejects) an Error when Redis cannot be reached.
   */
  async list(): Promise<FleetStatus[]> {
    const connection = await this.#ready();
    const index = indexKey(this.#options.namespace);
    const since = Math.floor(this.#clock.redisNow() - this.#options.margin);
    await this.#send(connection, 'ZREMRANGEBYSCORE', [index, '-inf', since]);
    const names = ((await this.#send(connection, 'ZRANGE', [index, 0, -1])) as unknown[]).map(String).sort();
    const statuses = await Promise.all(names.map((name) => this.#status(connection, name)));
    return statuses.filter((status): status is FleetStatus => status !== undefined);
  }

  /**
   * Applies manual control to every instance of the fleet.
   * @param name - A breaker some instance has bound.
   * @param command - `open`, `force_open`, `force_close` or `reset`.
   * @param openFor - For `open`: ms to stay open (default: the fleet's last open period, or `resetTimeout`).
   * @returns Resolves once the shared state changed and was published.
   * @throws (rejects) an Error when no instance has the breaker or Redis cannot be reached.
   */
  async control(name: string, command: FleetCommand, openFor?: number): Promise<void> {
    const mapped = COMMANDS[command];
    if (mapped === undefined) throw new TypeError(`Unknown fleet command \`${String(command)}\``);
    if (openFor !== undefined && !(typeof openFor === 'number' && openFor >= 0 && openFor <= 2_147_483_647))
      throw new RangeError(
        `Expected \`openFor\` to be a duration in ms from 0 to 2147483647, got \`${openFor}\``,
      );
    await this.#ready(); // connected, or rejects
    const keys = keyList(breakerKeys(this.#options.namespace, name));
    const reply = await this.#run(SCRIPTS.transition, keys, [
      name,
      this.#channel,
      '',
      '',
      -1,
      mapped[0],
      mapped[1],
      openFor ?? -1,
      0,
      1,
      60_000,
      this.#options.margin,
    ]);
    if (reply.verdict === 'unknown')
      throw new Error(`No instance has a breaker named '${name}' in namespace '${this.#options.namespace}'`);
  }

  /**
   * Flushes what is pending, gives up leases, and closes the store's connections. Bound breakers
   * keep working on local state. The store's owner calls it (a store may serve several registries).
   * @returns Resolves within `commandTimeout` (and a few ms) whatever Redis does (answering, frozen,
   * paused, gone): what is not answered by then is dropped. Afterwards no timer or socket of the
   * store keeps the process alive. Never rejects; a second call returns the same promise.
   */
  close(): Promise<void> {
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    this.#closed = true;
    // A flush waiting for the first connection gives up now rather than at its timeout.
    for (const waiter of this.#readyWaiters.splice(0)) waiter(new Error('This RedisStore is closed'));
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    for (const bindings of this.#byName.values()) for (const binding of [...bindings]) binding.release();
    // The final flushes and lease releases get one commandTimeout in all, not one per command.
    let timer: ReturnType<typeof setTimeout> | undefined;
    const deadline = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, this.#options.commandTimeout);
    });
    await Promise.race([Promise.allSettled([...this.#leaving]), deadline]);
    clearTimeout(timer);
    await Promise.allSettled([this.#commands?.close(), this.#subscriber?.close()]);
    this.#commands = undefined;
    this.#subscriber = undefined;
  }

  // ---- connections -----------------------------------------------------------------------------

  #connect(subscribe: boolean): SupervisedConnection {
    const { commandTimeout } = this.#options;
    const readyTimeout = CONNECT_TIMEOUT + commandTimeout;
    this.#commands ??= new SupervisedConnection(
      (events) => this.#adapter.commands(this.#settings, events),
      commandTimeout,
      readyTimeout,
      {
        onReady: () => this.#onReady(),
        onError: (error) => this.#fail(error),
        onReplaced: (reason) => {
          this.#stats.replaced++;
          this.#fail(reason);
          this.#subscriber?.heartbeat(0); // the same Redis: is the subscriber still answered?
        },
      },
    );
    if (subscribe && this.#subscriber === undefined) {
      this.#subscriber = new SupervisedConnection(
        (events) =>
          this.#adapter.subscriber(this.#channel, (text) => this.#onMessage(text), this.#settings, events),
        commandTimeout,
        readyTimeout,
        {
          onReady: () => {
            this.#subscriberFailing = false;
            void this.flush(); // resubscribed: resync what messages may have been missed
          },
          onError: (error) => this.#subscriberFail(error),
          onReplaced: (reason) => {
            this.#stats.replaced++;
            this.#subscriberFail(reason);
          },
        },
      );
    }
    return this.#commands;
  }

  #ready(timeout = Math.max(3_000, 3 * this.#options.commandTimeout)): Promise<SupervisedConnection> {
    if (this.#closed) return Promise.reject(new Error('This RedisStore is closed'));
    const connection = this.#connect(false);
    if (connection.ready) return Promise.resolve(connection);
    return new Promise((resolve, reject) => {
      const timer = unref(
        setTimeout(
          () =>
            reject(new Error(`Cannot reach Redis (namespace '${this.#options.namespace}'): not connected`)),
          timeout,
        ),
      );
      this.#readyWaiters.push((error) => {
        clearTimeout(timer);
        if (error === undefined) resolve(connection);
        else reject(error);
      });
    });
  }

  #onReady(): void {
    this.#failing = false;
    this.#everReady = true;
    for (const waiter of this.#readyWaiters.splice(0)) waiter();
    // Redis answers again: a subscriber still stuck in its handshake starts anew now.
    this.#subscriber?.revive();
    void this.flush(); // reconnected: counts still inside the window are sent, state reconciles
  }

  /** A failed command or command connection: Redis is unreachable until a command succeeds. */
  #fail(error: unknown): void {
    this.#stats.errors++;
    for (const waiter of this.#readyWaiters.splice(0)) waiter(error);
    if (this.#failing || this.#closed) return;
    this.#failing = true;
    this.#report(error);
  }

  /**
   * The subscriber failed: reported once per episode, but commands go on (messages missed meanwhile
   * are covered by every flush's reply and the reconcile).
   */
  #subscriberFail(error: unknown): void {
    this.#stats.errors++;
    if (this.#subscriberFailing || this.#failing || this.#closed) return;
    this.#subscriberFailing = true;
    this.#report(error);
  }

  /** Tells every bound breaker of a failure (each store episode once). */
  #report(error: unknown): void {
    for (const bindings of this.#byName.values()) {
      for (const binding of bindings) binding.reportError(error);
    }
  }

  async #send(
    connection: SupervisedConnection,
    command: string,
    args: readonly (string | number)[],
  ): Promise<unknown> {
    this.#stats.commands++;
    try {
      return await connection.send(command, args);
    } catch (error) {
      this.#fail(error);
      throw error;
    }
  }

  async #run(script: Script, keys: readonly string[], args: readonly (string | number)[]): Promise<Reply> {
    const connection = this.#commands;
    if (connection === undefined || !connection.ready) throw new Error('Redis is not connected');
    this.#stats.commands++;
    if (script === SCRIPTS.report) this.#stats.reports++;
    else if (script === SCRIPTS.transition) this.#stats.transitions++;
    else if (script === SCRIPTS.lease) this.#stats.leases++;
    const sentAt = performance.now();
    let raw: unknown;
    try {
      raw = await script.run(connection, keys, args);
    } catch (error) {
      this.#fail(error);
      throw error;
    }
    let reply: Reply;
    try {
      reply = parseReply(raw);
    } catch (error) {
      // Not what the script returns: replies are out of step with commands on this connection.
      connection.outOfStep(error as Error);
      this.#fail(error);
      throw error;
    }
    this.#clock.sample(reply.now, sentAt, performance.now());
    this.#failing = false;
    return reply;
  }

  async #status(connection: SupervisedConnection, name: string): Promise<FleetStatus | undefined> {
    const keys = keyList(breakerKeys(this.#options.namespace, name));
    const raw = await SCRIPTS.status.run(connection, keys, []);
    this.#stats.commands++;
    return parseStatus(name, raw);
  }

  #touch(name: string): void {
    const connection = this.#commands;
    if (connection === undefined || !connection.ready) return;
    const index = indexKey(this.#options.namespace);
    this.#send(connection, 'ZADD', [index, Math.floor(this.#clock.redisNow()), name]).catch(() => {});
    this.#send(connection, 'PEXPIRE', [index, 2 * this.#options.margin]).catch(() => {});
  }

  // ---- bindings --------------------------------------------------------------------------------

  #onTick(): void {
    this.#time.tick++;
    this.#time.redisNowAtTick = this.#clock.redisNow();
    const now = performance.now();
    for (const bindings of this.#byName.values()) for (const binding of bindings) binding.onTick(now);
    // The subscriber only listens: a PING when it has been quiet tells a frozen link from a quiet one.
    this.#subscriber?.heartbeat(this.#options.reconcileInterval);
  }

  #markUrgent(binding: RedisBinding): void {
    this.#urgent.add(binding);
    if (this.#urgentQueued) return;
    this.#urgentQueued = true;
    queueMicrotask(() => {
      this.#urgentQueued = false;
      for (const urgent of this.#urgent) void urgent.flush();
      this.#urgent.clear();
    });
  }

  #onMessage(text: string): void {
    this.#stats.messages++;
    const message = parseMessage(text);
    if (message === undefined) return;
    const bindings = this.#byName.get(message.name);
    if (bindings === undefined) return;
    for (const binding of bindings) binding.onMessage(message.reply);
  }

  #unbind(binding: RedisBinding): void {
    const bindings = this.#byName.get(binding.name);
    bindings?.delete(binding);
    if (bindings?.size === 0) this.#byName.delete(binding.name);
    this.#bound--;
    this.#urgent.delete(binding);
    const leaving = binding.leave().catch(() => {});
    this.#leaving.add(leaving);
    void leaving.finally(() => this.#leaving.delete(leaving));
    if (this.#bound === 0 && this.#timer !== undefined) {
      clearInterval(this.#timer);
      this.#timer = undefined;
    }
  }
}

/** Ms a new connection may take to connect (the adapters' `connectTimeout`), before its handshake. */
const CONNECT_TIMEOUT = 2_000;

/** The binding of a breaker created after `close()`: it works on local state (trials follow the local rule). */
const LOCAL_ONLY: StoreBinding = Object.freeze({
  record() {},
  transition() {},
  trialPermit: () => true,
  release() {},
});

function unref<T>(handle: T): T {
  (handle as { unref?: () => void }).unref?.();
  return handle;
}
