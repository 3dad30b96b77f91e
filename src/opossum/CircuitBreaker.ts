import { EventEmitter } from 'node:events';
import { CircuitBreaker as Breaker } from '../CircuitBreaker.js';
import type { CircuitState } from '../CircuitState.js';
import { Uncached } from '../cache/Uncached.js';
import { type Clock, setUnrefTimeout } from '../clock/Clock.js';
import { BulkheadFullError } from '../errors/BulkheadFullError.js';
import { isCircuitBreakerError } from '../errors/CircuitBreakerError.js';
import { CircuitBreakerOpenError } from '../errors/CircuitBreakerOpenError.js';
import { CircuitBreakerTimeoutError } from '../errors/CircuitBreakerTimeoutError.js';
import { mergeOptions } from '../options/mergeOptions.js';
import type { CallOptions } from '../options.js';
import type { CircuitBreakerRegistry } from '../registry/CircuitBreakerRegistry.js';
import { defaultRegistry } from '../registry/defaultRegistry.js';
import type { CircuitBreakerSnapshot } from '../snapshot.js';
import { Firing, type FiringHost } from './Firing.js';
import { type MemoryCache as InMemoryCache, MemoryCache } from './MemoryCache.js';
import { isOurError, ourError } from './opossumError.js';
import {
  breakerOptions,
  type OpossumCacheTransport,
  type OpossumOptions,
  type OpossumState,
  type ResolvedOpossumOptions,
  resolveOpossumOptions,
} from './opossumOptions.js';
import { type OpossumBucket, type OpossumStats, type OpossumStatusOptions, Status } from './Status.js';

/** The events of an opossum breaker and their arguments. */
export interface OpossumEvents<TI extends unknown[] = unknown[], TR = unknown> {
  /** `fire()` or `call()` was called, with the arguments. */
  fire: [args: TI];
  /** The action resolved (or failed with an error `errorFilter` accepts), after `latencyMs`. */
  success: [result: TR, latencyMs: number];
  /** The action failed or timed out. */
  failure: [error: unknown, latencyMs: number, args: TI];
  /** The action took longer than `timeout`. */
  timeout: [error: Error, latencyMs: number, args: TI];
  /** The breaker refused the call (open, or half-open with its trial running). */
  reject: [error: Error];
  /** The breaker opened. */
  open: [];
  /** The breaker let a trial call through after `resetTimeout`. */
  halfOpen: [resetTimeout: number];
  /** The breaker closed. */
  close: [];
  /** The fallback ran and returned `result` for `error`. */
  fallback: [result: unknown, error: unknown];
  /** `capacity` calls were running: the call was refused. */
  semaphoreLocked: [error: Error, latencyMs: number];
  /** A fresh cached result was served. */
  cacheHit: [];
  /** No fresh cached result: the call went on. */
  cacheMiss: [];
  /** The call joined the call in flight with the same key. */
  coalesceCacheHit: [];
  /** No call in flight with the same key: the call went on. */
  coalesceCacheMiss: [];
  /** The health check rejected; the breaker opened. */
  healthCheckFailed: [error: unknown];
  /** The breaker was shut down. */
  shutdown: [];
}

/**
 * opossum's `CircuitBreaker` on breakwater's engine: `import CircuitBreaker from 'breakwater/opossum'`
 * (or `require('breakwater/opossum')`) in an opossum program, and its breakers join breakwater's
 * registry (`CircuitBreaker.registry`, the default registry unless set), shared state (a registry
 * with a `RedisStore`) and exporters. `breaker.breaker` is the underlying breakwater breaker.
 *
 * Semantics follow opossum 10 (its defaults, events, `stats` and `status`), except where opossum has
 * a documented bug: the README's "Coming from opossum" lists each difference.
 *
 * @example
 * ```ts
 * import CircuitBreaker from 'breakwater/opossum';
 *
 * const breaker = new CircuitBreaker(fetchPrices, { timeout: 3000, errorThresholdPercentage: 50 });
 * breaker.fallback(() => cachedPrices);
 * breaker.on('open', () => console.warn('prices are failing'));
 * const prices = await breaker.fire('EUR');
 * ```
 */
export class CircuitBreaker<TI extends unknown[] = unknown[], TR = unknown> extends EventEmitter<
  OpossumEvents<TI, TR>
> {
  /**
   * The registry opossum breakers join, by name (the default registry), so that exporters, health
   * endpoints and a store given to it apply to them; `undefined` to keep them out. A breaker whose
   * name is taken there is made from the registry's defaults but not registered.
   */
  static registry: CircuitBreakerRegistry | undefined = defaultRegistry;

  /**
   * Whether `error` was made by a breaker (open, timed out, at capacity, shut down) rather than by
   * the action.
   * @param error - What a call rejected with.
   * @returns `true` for the breaker's own errors.
   */
  static isOurError(error: unknown): boolean {
    return isOurError(error);
  }

  /**
   * A {@link Status} to start a breaker with (`status` option), e.g. with saved `stats`.
   * @param options - The window's shape and `stats`.
   * @returns A new status.
   */
  static newStatus(options?: OpossumStatusOptions): Status {
    return new Status(options);
  }

  /** The rolling statistics' class (for `require()` users: `const { Status } = require(...)`). */
  static readonly Status: typeof Status = Status;

  /** The default cache transport's class (for `require()` users). */
  static readonly MemoryCache: typeof MemoryCache = MemoryCache;

  /** The function the breaker protects. */
  readonly action: (...args: TI) => unknown;
  readonly #options: ResolvedOpossumOptions;
  readonly #breaker: Breaker;
  readonly #status: Status;
  readonly #clock: Clock;
  readonly #name: string;
  readonly #group: string;
  readonly #registry: CircuitBreakerRegistry | undefined;
  readonly #host: FiringHost;
  #enabled: boolean;
  #shutdown = false;
  #fallback: ((...args: unknown[]) => unknown) | undefined = undefined;
  /** Monotonic ms until which failures cannot open the breaker (`allowWarmUp`). */
  #warmUntil = Number.NEGATIVE_INFINITY;
  /** Epoch ms of the last opening (`toJSON().state.lastTimerAt`). */
  #lastTimerAt: number | undefined = undefined;
  #healthTimer: unknown = undefined;

  /**
   * @param action - The function to protect (any other value is what every call resolves with).
   * @param options - opossum's options (see {@link CircuitBreaker.Options}), and `breakwater` for the
   * breakwater breaker's own.
   * @throws TypeError without an action, or with an `abortController` that has no `abort()`;
   * TypeError or RangeError for invalid `breakwater` options.
   */
  constructor(action: ((...args: TI) => TR | PromiseLike<TR>) | TR, options?: CircuitBreaker.Options<TI>) {
    super();
    if (action === undefined || action === null || (action as unknown) === false || action === '') {
      throw new TypeError(`Expected \`action\` to be the function to protect, got \`${String(action)}\``);
    }
    const o = resolveOpossumOptions(options as OpossumOptions | undefined);
    if (o.autoRenewAbortController === true && o.abortController === undefined) {
      o.abortController = new AbortController();
    }
    if (o.abortController !== undefined && typeof o.abortController?.abort !== 'function') {
      throw new TypeError('Expected `abortController` to be an AbortController (with an abort() method)');
    }
    if (o.cache === true) {
      if (o.cacheTransport === undefined) o.cacheTransport = new MemoryCache(o.cacheSize);
      const t = o.cacheTransport as Partial<OpossumCacheTransport> | null;
      if (
        typeof t !== 'object' ||
        t === null ||
        [t.get, t.set, t.flush].some((m) => typeof m !== 'function')
      ) {
        throw new TypeError('Expected `cacheTransport` to be an object with get(), set() and flush()');
      }
    }
    if (o.maxFailures !== undefined) {
      console.error(
        'breakwater/opossum: options.maxFailures is not supported; use options.errorThresholdPercentage',
      );
    }
    this.#options = o;
    this.action =
      typeof action === 'function'
        ? (action as (...args: TI) => unknown)
        : () => Promise.resolve(action as TR);
    const name = o.name || (typeof action === 'function' && action.name) || globalThis.crypto.randomUUID();
    this.#name = name;
    this.#group = o.group || name;
    const state = o.state;
    this.#enabled = state === undefined ? o.enabled !== false : state.enabled !== false;

    const registry = CircuitBreaker.registry;
    const mapped = breakerOptions(o, name, () => this.warmUp);
    const initialState = savedState(state, o, name);
    if (initialState !== undefined) mapped.initialState = initialState;
    if (registry !== undefined && registry.get(name) === undefined) {
      this.#breaker = registry.register(name, mapped);
      this.#registry = registry;
    } else {
      this.#breaker = new Breaker(
        registry === undefined ? mapped : mergeOptions(registry.defaults, mapped, name),
      );
      this.#registry = undefined;
    }
    const clock = this.#breaker.options.clock;
    this.#clock = clock;
    if (o.allowWarmUp === true || state?.warmUp === true)
      this.#warmUntil = clock.now() + o.rollingCountTimeout;
    if (initialState?.state === 'open') this.#lastTimerAt = state?.lastTimerAt ?? initialState.savedAt;

    this.#status =
      o.status instanceof Status
        ? o.status
        : new Status({
            rollingCountBuckets: o.rollingCountBuckets,
            rollingCountTimeout: o.rollingCountTimeout,
            rollingPercentilesEnabled: o.rollingPercentilesEnabled,
            enableSnapshots: o.enableSnapshots,
            rotateBucketController: o.rotateBucketController,
            stats: o.status,
            clock,
          });
    if (!this.#enabled) this.#status.removeRotateBucketControllerListener();

    this.#host = {
      name,
      clock,
      now: () => clock.now(),
      filters: (error, args) => this.#filters(error, args),
      succeeded: (value, latency) => this.#emit('success', 'successes', latency, value, latency),
      failed: (error, latency, args) => this.#emit('failure', 'failures', latency, error, latency, args),
    };
    const breaker = this.#breaker;
    breaker.on('stateChange', ({ from, to }) => this.#transition(from, to));
    breaker.on('cacheHit', () => this.#emit('cacheHit', 'cacheHits'));
    breaker.on('cacheMiss', () => this.#emit('cacheMiss', 'cacheMisses'));
    breaker.on('coalesceHit', () => this.#emit('coalesceCacheHit', 'coalesceCacheHits'));
    breaker.on('coalesceMiss', () => this.#emit('coalesceCacheMiss', 'coalesceCacheMisses'));
    if (state?.shutdown === true) this.shutdown();
  }

  /** The breakwater breaker underneath: its metrics, events, `forceOpen()`, store. */
  get breaker(): Breaker {
    return this.#breaker;
  }

  /** The options in use, opossum's defaults filled in (a copy: the caller's object is not changed). */
  get options(): ResolvedOpossumOptions {
    return this.#options;
  }

  /** The breaker's name. */
  get name(): string {
    return this.#name;
  }

  /** The breaker's group (for reporting); its name unless given. */
  get group(): string {
    return this.#group;
  }

  /** Whether calls are protected (see {@link CircuitBreaker.disable}). */
  get enabled(): boolean {
    return this.#enabled;
  }

  /** Whether the breaker was shut down. */
  get isShutdown(): boolean {
    return this.#shutdown;
  }

  /** Closed: calls go through. */
  get closed(): boolean {
    const state = this.#state();
    return state === 'closed' || state === 'forced_closed';
  }

  /** Open: calls are refused (or get the fallback). */
  get opened(): boolean {
    const state = this.#state();
    return state === 'open' || state === 'forced_open';
  }

  /** Half-open: one trial call may go through. */
  get halfOpen(): boolean {
    return this.#state() === 'half_open';
  }

  /** Half-open with the trial call not taken yet. */
  get pendingClose(): boolean {
    return this.halfOpen && this.#breaker.isAvailable();
  }

  /** Whether failures cannot open the breaker yet (`allowWarmUp`, for `rollingCountTimeout` ms). */
  get warmUp(): boolean {
    return this.#clock.now() < this.#warmUntil;
  }

  /** Fires the rolling window must hold before the breaker may open. */
  get volumeThreshold(): number {
    const threshold = this.#options.volumeThreshold;
    return typeof threshold === 'number' && Number.isInteger(threshold) ? threshold : 0;
  }

  /** The rolling statistics ({@link Status}). */
  get status(): Status {
    return this.#status;
  }

  /** The rolling window's counts and latency figures (`status.stats`). */
  get stats(): OpossumStats {
    return this.#status.stats;
  }

  /** opossum's semaphore, reduced to its count of free slots under `capacity`. */
  get semaphore(): {
    /**
     * Calls that may still start now: `capacity` minus the calls running (read live). Without a
     * `capacity`, counts down from `Number.MAX_SAFE_INTEGER`.
     */
    readonly count: number;
  } {
    const capacity = this.#options.capacity;
    const breaker = this.#breaker;
    return {
      get count(): number {
        return capacity - breaker.metrics().inFlight;
      },
    };
  }

  /**
   * Calls the action with `args` (`this` is the action itself).
   * @returns What the action resolves with, or the fallback's result.
   * @throws (rejects) The action's error; the breaker's own errors (`isOurError()`): `EOPENBREAKER`
   * while open, `ETIMEDOUT`, `ESEMLOCKED` at capacity, `ESHUTDOWN` after `shutdown()`.
   */
  fire(...args: TI): Promise<TR> {
    return this.call(this.action, ...args);
  }

  /**
   * Calls the action with `context` as `this` and `args`.
   * @returns What the action resolves with, or the fallback's result.
   * @throws (rejects) As {@link CircuitBreaker.fire}.
   */
  call(context: unknown, ...args: TI): Promise<TR> {
    if (this.#shutdown) return Promise.reject(ourError('The circuit has been shutdown.', 'ESHUTDOWN'));
    this.#emit('fire', 'fires', undefined, args);
    const action = this.action as (...args: unknown[]) => unknown;
    if (!this.#enabled) return direct(action, context, args);
    const o = this.#options;
    let key: string | undefined;
    if (o.cache === true || o.coalesce) {
      try {
        key = String((o.cacheGetKey ?? jsonArgs).apply(this, args));
      } catch (error) {
        return Promise.reject(error);
      }
    }
    const transport = o.cache === true ? o.cacheTransport : undefined;
    if (transport !== undefined && key !== undefined) {
      const cached = transport.get(key);
      if (cached) {
        this.#emit('cacheHit', 'cacheHits');
        return Promise.resolve(cached as TR);
      }
      this.#emit('cacheMiss', 'cacheMisses');
    }
    const options: CallOptions<unknown> = {};
    // During warm-up the firing keeps the timeout itself, so that a timeout, like any failure then,
    // cannot open the breaker (breakwater always counts its own timeouts).
    let deadline = 0;
    if (this.warmUp && typeof o.timeout === 'number' && o.timeout > 0) {
      deadline = o.timeout;
      options.timeout = false;
    }
    const firing = new Firing(this.#host, action, context, args, deadline);
    if (key !== undefined) options.key = key;
    if (this.#fallback !== undefined) {
      options.fallback = (error) => this.#runFallback(firing, this.#outcome(firing, error));
    }
    const result = this.#breaker.call(firing.run, options).then(
      (value) => {
        if (value instanceof Uncached) throw value.value;
        return value as TR;
      },
      (error: unknown) => {
        throw this.#outcome(firing, error);
      },
    );
    if (transport !== undefined && key !== undefined) {
      const cacheKey = key;
      result.then(
        (value) => {
          if (!firing.succeeded) return;
          const ttl = o.cacheTTL;
          transport.set(cacheKey, Promise.resolve(value), ttl > 0 ? Date.now() + ttl : 0);
        },
        () => {},
      );
    }
    return result;
  }

  /**
   * Sets the fallback: it runs when a call fails, times out or is refused, with the call's arguments
   * and then the error; its result (or rejection) is the call's.
   * @param func - A function, or another breaker (fired with the same arguments).
   * @returns This breaker.
   */
  fallback(func: ((...args: never[]) => unknown) | CircuitBreaker<never, unknown>): this {
    this.#fallback =
      func instanceof CircuitBreaker
        ? (...args: unknown[]) => (func as CircuitBreaker).fire(...args)
        : (func as (...args: unknown[]) => unknown);
    return this;
  }

  /** Opens the breaker now (for `resetTimeout`, then a trial call); does nothing when open. */
  open(): void {
    if (this.#shutdown || this.opened) return;
    this.#breaker.open();
  }

  /** Closes the breaker now (breakwater clears its counts, as on any close). */
  close(): void {
    if (this.#shutdown || this.closed) return;
    this.#breaker.reset();
  }

  /** Calls go straight to the action: no protection, cache, coalescing or fallback. */
  disable(): void {
    this.#enabled = false;
    this.#status.removeRotateBucketControllerListener();
  }

  /** Calls are protected again. */
  enable(): void {
    this.#enabled = true;
    this.#status.startListeneningForRotateEvent();
  }

  /** Forgets cached results. */
  clearCache(): void {
    if (this.#options.cache === true) this.#options.cacheTransport?.flush();
  }

  /**
   * Runs `func` (with the breaker as `this`) now and every `interval` ms; when it rejects or throws,
   * emits `healthCheckFailed` and opens the breaker. The timer never keeps the process alive.
   * @param func - Returns a promise that rejects when the dependency is unhealthy.
   * @param interval - Ms between checks. @default 5000
   * @throws TypeError when `func` is not a function or `interval` not a number.
   */
  healthCheck(func: (this: this) => unknown, interval?: number): void {
    const every = interval || 5000;
    if (typeof func !== 'function')
      throw new TypeError(`Expected \`func\` to be a function, got \`${typeof func}\``);
    if (typeof every !== 'number' || Number.isNaN(every)) {
      throw new TypeError(`Expected \`interval\` to be a number of ms, got \`${String(interval)}\``);
    }
    const failed = (error: unknown): void => {
      if (this.#shutdown) return;
      this.#emit('healthCheckFailed', undefined, undefined, error);
      this.open();
    };
    const check = (): void => {
      if (this.#shutdown) return;
      try {
        Promise.resolve(func.call(this)).then(undefined, failed);
      } catch (error) {
        failed(error);
      }
    };
    const schedule = (): void => {
      this.#healthTimer = setUnrefTimeout(
        this.#clock,
        () => {
          check();
          if (!this.#shutdown) schedule();
        },
        every,
      );
    };
    if (this.#healthTimer !== undefined) this.#clock.clearTimeout(this.#healthTimer);
    schedule();
    check();
  }

  /**
   * Shuts the breaker down: emits `shutdown`, removes every listener, stops its timers, clears its
   * cache and leaves the registry; later calls reject with `ESHUTDOWN`.
   */
  shutdown(): void {
    if (this.#shutdown) return;
    this.#emitSafely('shutdown');
    this.disable();
    this.#shutdown = true;
    this.removeAllListeners();
    if (this.#healthTimer !== undefined) this.#clock.clearTimeout(this.#healthTimer);
    this.#healthTimer = undefined;
    this.#status.shutdown();
    this.clearCache();
    if (this.#registry !== undefined && this.#registry.get(this.#name) === this.#breaker) {
      this.#registry.remove(this.#name);
    } else {
      this.#breaker.dispose();
    }
  }

  /** The current AbortController's signal (`abortController` or `autoRenewAbortController`). */
  getSignal(): AbortSignal | undefined {
    return this.#options.abortController?.signal;
  }

  /** The current AbortController (renewed on half-open and close with `autoRenewAbortController`). */
  getAbortController(): CircuitBreaker.Options['abortController'] {
    return this.#options.abortController;
  }

  /**
   * The state and the rolling stats, to start another breaker from (`{ state, status }` options).
   * @returns `{ state: { name, enabled, closed, open, halfOpen, warmUp, shutdown, lastTimerAt }, status }`.
   */
  toJSON(): {
    /** The breaker's name and state, for the `state` option (`lastTimerAt` only while open or half-open). */
    state: Required<Omit<OpossumState, 'pendingClose'>>;
    /** The rolling window's counts and latency figures (`stats`), for the `status` option. */
    status: OpossumStats;
  } {
    return {
      state: {
        name: this.#name,
        enabled: this.#enabled,
        closed: this.closed,
        open: this.opened,
        halfOpen: this.halfOpen,
        warmUp: this.warmUp,
        shutdown: this.#shutdown,
        lastTimerAt: this.opened || this.halfOpen ? this.#lastTimerAt : undefined,
      },
      status: this.#status.stats,
    };
  }

  #state(): CircuitState | 'shutdown' {
    return this.#shutdown ? 'shutdown' : this.#breaker.state;
  }

  /** Emits an opossum event, counting it in the status; a throwing listener never reaches the call. */
  #emit(
    event: keyof OpossumEvents,
    counter: Parameters<Status['increment']>[0] | undefined,
    latency?: number,
    ...args: unknown[]
  ): void {
    if (counter !== undefined && !this.#shutdown) this.#status.increment(counter, latency);
    this.#emitSafely(event, ...args);
  }

  #emitSafely(event: keyof OpossumEvents, ...args: unknown[]): void {
    try {
      (this.emit as (event: string, ...args: unknown[]) => boolean)(event, ...args);
    } catch (error) {
      this.#report(error, `a '${event}' listener threw`);
    }
  }

  #report(error: unknown, what: string): void {
    try {
      this.#breaker.options.logger?.error(
        { circuit_breaker: this.#name, err: error },
        `Circuit breaker '${this.#name}': ${what}`,
      );
    } catch {
      // Nothing may escape.
    }
  }

  #transition(from: CircuitState, to: CircuitState): void {
    if (this.#shutdown) return;
    const wasOpen = from === 'open' || from === 'forced_open';
    const wasClosed = from === 'closed' || from === 'forced_closed';
    if ((to === 'open' || to === 'forced_open') && !wasOpen) {
      this.#lastTimerAt = this.#clock.wallNow?.() ?? Date.now();
      this.#status.open();
      this.#emitSafely('open');
    } else if (to === 'half_open') {
      this.#renewAbortController();
      this.#emitSafely('halfOpen', this.#options.resetTimeout);
    } else if ((to === 'closed' || to === 'forced_closed') && !wasClosed) {
      this.#renewAbortController();
      this.#status.close();
      this.#emitSafely('close');
    }
  }

  #renewAbortController(): void {
    const o = this.#options;
    if (o.autoRenewAbortController === true && o.abortController?.signal?.aborted === true) {
      o.abortController = new AbortController();
    }
  }

  #filters(error: unknown, args: readonly unknown[]): boolean {
    const filter = this.#options.errorFilter;
    if (filter === undefined) return false;
    try {
      return Boolean((filter as (error: unknown, ...args: unknown[]) => unknown)(error, ...args));
    } catch (thrown) {
      this.#report(thrown, 'errorFilter threw; counting the error as a failure');
      return false;
    }
  }

  /**
   * What the caller gets for an error of the breakwater call: the breaker's refusals and timeouts as
   * opossum's errors (with their events), the action's own errors unchanged.
   */
  #outcome(firing: Firing, error: unknown): unknown {
    if (firing.settled) return error;
    if (error instanceof CircuitBreakerOpenError) {
      const refused = ourError('Breaker is open', 'EOPENBREAKER', error);
      this.#emit('reject', 'rejects', undefined, refused);
      return refused;
    }
    if (error instanceof BulkheadFullError) {
      const locked = ourError('Semaphore locked', 'ESEMLOCKED', error);
      this.#emit('semaphoreLocked', 'semaphoreRejections', undefined, locked, 0);
      return locked;
    }
    if (error instanceof CircuitBreakerTimeoutError) {
      const timedOut = ourError(`Timed out after ${error.timeout}ms`, 'ETIMEDOUT', error);
      if (firing.ran && !firing.timeoutReported) {
        firing.timedOut = true;
        firing.timeoutReported = true;
        const latency = firing.latency();
        this.#emit('timeout', 'timeouts', latency, timedOut, latency, firing.args);
        this.#emit('failure', 'failures', latency, timedOut, latency, firing.args);
        try {
          this.#options.abortController?.abort();
        } catch (thrown) {
          this.#report(thrown, 'abortController.abort() threw');
        }
      }
      return timedOut;
    }
    if (isCircuitBreakerError(error) && error.code === 'ERR_CIRCUIT_DISPOSED') {
      return ourError('The circuit has been shutdown.', 'ESHUTDOWN', error);
    }
    return error;
  }

  #runFallback(firing: Firing, error: unknown): unknown {
    const fallback = this.#fallback;
    if (fallback === undefined) throw error;
    const result = fallback.apply(fallback, [...firing.args, error]);
    this.#emit('fallback', 'fallbacks', undefined, result, error);
    return result;
  }
}

/** Types of the opossum API, as `@types/opossum` names them (`CircuitBreaker.Options`, ...). */
export declare namespace CircuitBreaker {
  /** The breaker's options. */
  type Options<TI extends unknown[] = unknown[]> = OpossumOptions<TI>;
  /** The options in use, defaults filled in. */
  type ResolvedOptions = ResolvedOpossumOptions;
  /** Options of `newStatus()`. */
  type StatusOptions = OpossumStatusOptions;
  /** The window's summed counts (`breaker.stats`). */
  type Stats = OpossumStats;
  /** One slice of the rolling window. */
  type Bucket = OpossumBucket;
  /** The rolling window's slices. */
  type Window = OpossumBucket[];
  /** Saved state (`toJSON().state`). */
  type State = OpossumState;
  /** A custom cache store. */
  type CacheTransport = OpossumCacheTransport;
  /** The in-memory cache store. */
  type MemoryCache = InMemoryCache;
  /** The events and their arguments. */
  type Events<TI extends unknown[] = unknown[], TR = unknown> = OpossumEvents<TI, TR>;
}

/** A disabled breaker's call: the action itself, never a synchronous throw. */
function direct<T>(action: (...args: unknown[]) => unknown, context: unknown, args: unknown[]): Promise<T> {
  try {
    return Promise.resolve(action.apply(context, args) as T);
  } catch (error) {
    return Promise.reject(error);
  }
}

function jsonArgs(...args: unknown[]): string {
  return JSON.stringify(args);
}

/** The breakwater snapshot for opossum's `state` option (`undefined` for a closed breaker). */
function savedState(
  state: OpossumState | undefined,
  o: ResolvedOpossumOptions,
  name: string,
): CircuitBreakerSnapshot | undefined {
  if (state === undefined || state.shutdown === true || state.closed !== false) return undefined;
  const clock = o.breakwater?.clock;
  const wallNow = clock?.wallNow?.() ?? Date.now();
  const resetTimeout = Math.max(0, o.resetTimeout || 0);
  const base = { version: 1 as const, name, backoffAttempt: 0, savedAt: wallNow };
  if (state.halfOpen === true) return { ...base, state: 'half_open', remainingOpenMs: 0 };
  // breakwater resumes the open period where it was: what is left of resetTimeout since lastTimerAt.
  const elapsed = typeof state.lastTimerAt === 'number' ? Math.max(0, wallNow - state.lastTimerAt) : 0;
  const remaining = resetTimeout - elapsed;
  if (remaining <= 0) return { ...base, state: 'half_open', remainingOpenMs: 0 };
  return { ...base, state: 'open', remainingOpenMs: remaining, savedAt: wallNow };
}
