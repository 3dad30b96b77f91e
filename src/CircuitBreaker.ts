import type { CircuitState } from './CircuitState.js';
import { breakerOptionsFromEnv, type FromEnvOptions } from './config/env.js';
import type { CircuitBreakerEvents, Listener } from './events.js';
import { BreakerCore } from './internal/BreakerCore.js';
import { fallbackApplies, isThenable } from './internal/Call.js';
import { checkDuration, permitTimeout } from './internal/callOptions.js';
import { callWithOptions, misuse } from './internal/callWithOptions.js';
import { FAST_CONTEXT } from './internal/context.js';
import { expected } from './internal/describe.js';
import { metricsSnapshot } from './internal/metricsSnapshot.js';
import { resolveBreakerOptions } from './internal/resolveOptions.js';
import { StoreLink } from './internal/StoreLink.js';
import type { CircuitBreakerMetrics } from './metrics.js';
import type { CallContext, CircuitBreakerOptions, Fallback, Protected, ResolvedOptions } from './options.js';
import { Permit, type PermitOptions } from './Permit.js';
import type { CircuitBreakerSnapshot } from './snapshot.js';
import type { BoundBreaker } from './store/StateStore.js';
import type { LatencyHistogramSnapshot } from './window/LatencyHistogram.js';

/** Per-call options of {@link CircuitBreaker.call}. */
export interface CallOptions<T> {
  /** Aborting it rejects the call at once with its reason; the outcome is ignored. */
  signal?: AbortSignal;
  /** Ms this call may take (overrides the breaker's `timeout`; `false` for none). */
  timeout?: number | false;
  /** Runs instead of rejecting (overrides the breaker's `fallback`). */
  fallback?: Fallback<T>;
}

/**
 * A circuit breaker: wraps calls to a dependency and fails fast while it is down.
 *
 * CLOSED: calls pass, outcomes are counted. When a trip rule holds it goes OPEN: calls are refused
 * with {@link CircuitBreakerOpenError} (or get the fallback) without touching the dependency. After
 * the open period it is HALF_OPEN: a few trial calls test recovery; enough successes close it, one
 * failure re-opens it.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ name: 'payment-api', failureThreshold: 5, resetTimeout: 60_000 });
 * const receipt = await breaker.call(({ signal }) => charge(order, { signal }));
 * ```
 */
export class CircuitBreaker {
  readonly #core: BreakerCore;
  readonly #slowPath: boolean;
  /** The effective options with this breaker's name, built when first read (usually shared). */
  #options: ResolvedOptions | undefined = undefined;

  /**
   * @param options - See {@link CircuitBreakerOptions}; every field is optional.
   * @throws TypeError for an option of the wrong type or an unknown option, RangeError for a value out
   * of range; the message names the option, the expected form and the value received.
   */
  constructor(options?: CircuitBreakerOptions) {
    const { options: resolved, name, owner } = resolveBreakerOptions(options);
    const core = new BreakerCore(name, resolved);
    core.owner = owner;
    this.#core = core;
    this.#slowPath = resolved.timeout !== false || resolved.fallback !== undefined;
    const saved = resolved.initialState;
    if (saved !== undefined) {
      const elapsed = Math.max(0, (resolved.clock.wallNow?.() ?? Date.now()) - saved.savedAt);
      core.restore(saved.state, saved.remainingOpenMs - elapsed, saved.backoffAttempt);
    }
    const store = resolved.store;
    if (store !== undefined) {
      const bound: BoundBreaker = {
        name: core.name,
        apply: (remote) => core.applyRemote(remote),
        storeError: (error) => core.storeError(error),
      };
      try {
        core.bind(new StoreLink(store.bind(core.name, resolved, bound), core));
      } catch (error) {
        core.storeError(error);
      }
    }
  }

  /**
   * A breaker configured from environment variables (see {@link optionsFromEnv} for the names and
   * value forms): `CB_PAYMENT_API_FAILURE_THRESHOLD=3` for `fromEnv('payment-api')`.
   * @param name - The breaker's name; the default prefix is `CB_<NAME_IN_UPPER_SNAKE>_`.
   * @param options - `prefix` (with or without its trailing `_`) and `env` (default `process.env`).
   * @returns A new breaker; options not set in the environment take their defaults.
   * @throws TypeError or RangeError naming the variable, its value and what is expected.
   * @example
   * ```ts
   * // CB_EMAIL_SERVICE_FAILURE_THRESHOLD=3 CB_EMAIL_SERVICE_RESET_TIMEOUT=30s
   * const email = CircuitBreaker.fromEnv('email-service');
   * ```
   */
  static fromEnv(name: string, options?: FromEnvOptions): CircuitBreaker {
    return new CircuitBreaker(breakerOptionsFromEnv(name, options));
  }

  /** The breaker's name. */
  get name(): string {
    return this.#core.name;
  }

  /** The effective options: presets, environment, registry defaults and defaults applied. Frozen. */
  get options(): ResolvedOptions {
    const shared = this.#core.options;
    if (shared.name === this.#core.name) return shared;
    this.#options ??= Object.freeze({ ...shared, name: this.#core.name });
    return this.#options;
  }

  /** The current state, exact on every read (a breaker whose open period has passed reads `half_open`). */
  get state(): CircuitState {
    this.#core.refresh();
    return this.#core.state;
  }

  /**
   * Calls `fn` through the breaker. Never throws synchronously: every failure is a rejection.
   * @param fn - Sync or async; receives `{ signal }`, which aborts on timeout or the caller's abort.
   * @param options - Per-call `signal`, `timeout` and `fallback`.
   * @returns What `fn` returns (or the fallback's value).
   * @throws (rejects) {@link CircuitBreakerOpenError} while refusing, {@link CircuitBreakerTimeoutError},
   * {@link BulkheadFullError}, or `fn`'s own error unchanged.
   */
  call<T>(fn: Protected<T>, options?: CallOptions<T>): Promise<T> {
    if (options !== undefined || this.#slowPath) return callWithOptions(this.#core, fn, options);
    const core = this.#core;
    if (typeof fn !== 'function') return misuse(core, fn);
    const generation = core.admit();
    if (generation < 0) return Promise.reject(core.refuse(generation));
    const start = core.startTime();
    let result: T | PromiseLike<T>;
    try {
      result = fn(FAST_CONTEXT);
    } catch (error) {
      core.inFlight--;
      core.settleError(generation, start, error);
      return Promise.reject(error);
    }
    if (result instanceof Promise) {
      if (Number.isNaN(start)) {
        const handlers = core.handlers();
        result.then(handlers.ok, handlers.fail);
      } else {
        result.then(
          (value) => this.#settleValue(generation, start, value),
          (error: unknown) => this.#settleError(generation, start, error),
        );
      }
      return result;
    }
    if (isThenable(result)) {
      const adopted = Promise.resolve(result);
      adopted.then(
        (value) => this.#settleValue(generation, start, value),
        (error: unknown) => this.#settleError(generation, start, error),
      );
      return adopted;
    }
    core.inFlight--;
    core.settleValue(generation, start, result);
    return Promise.resolve(result);
  }

  #settleValue(generation: number, start: number, value: unknown): void {
    this.#core.inFlight--;
    this.#core.settleValue(generation, start, value);
  }

  #settleError(generation: number, start: number, error: unknown): void {
    this.#core.inFlight--;
    this.#core.settleError(generation, start, error);
  }

  /**
   * Calls a synchronous `fn` through the breaker. No timeout; the breaker's fallback applies.
   * @returns What `fn` returns (or the fallback's value).
   * @throws {@link CircuitBreakerOpenError} while refusing (unless a fallback is set); `fn`'s own
   * error; a TypeError when `fn` returns a promise (use {@link CircuitBreaker.call}).
   */
  callSync<T>(fn: (ctx: CallContext) => T): T {
    const core = this.#core;
    if (typeof fn !== 'function') {
      const error = new TypeError(expected('fn', 'a function', fn));
      core.countIgnored(error);
      throw error;
    }
    const fallback = core.options.fallback as Fallback<T> | undefined;
    const generation = core.admit();
    if (generation < 0) {
      const error = core.refuse(generation);
      if (core.disposed || fallback === undefined) throw error;
      core.noteFallback(error);
      return fallback(error, FAST_CONTEXT) as T;
    }
    const start = core.startTime();
    let result: T;
    try {
      result = fn(FAST_CONTEXT);
    } catch (error) {
      core.inFlight--;
      core.settleError(generation, start, error);
      if (!fallbackApplies(core, fallback, error)) throw error;
      core.noteFallback(error);
      return (fallback as Fallback<T>)(error, FAST_CONTEXT) as T;
    }
    core.inFlight--;
    if (isThenable(result)) {
      Promise.resolve(result).then(undefined, () => {});
      const error = new TypeError(`callSync() got a promise from \`fn\`; use call() for async functions`);
      core.settleIgnored(generation, error);
      throw error;
    }
    core.settleValue(generation, start, result);
    return result;
  }

  /**
   * Wraps `fn` so that every call goes through the breaker (decorator style).
   * @returns A function with `fn`'s parameters returning a promise of its result.
   */
  wrap<A extends unknown[], R>(fn: (...args: A) => R | PromiseLike<R>): (...args: A) => Promise<R> {
    if (typeof fn !== 'function') throw new TypeError(expected('fn', 'a function', fn));
    return (...args: A) => this.call(() => fn(...args));
  }

  /**
   * Asks for permission to make one call, for code that cannot be wrapped in a function.
   * @returns A {@link Permit} to settle once, or `undefined` when the call would be refused (counted
   * as rejected).
   */
  tryAcquire(options?: PermitOptions): Permit | undefined {
    const core = this.#core;
    const timeout = permitTimeout(options);
    const generation = core.admit();
    if (generation < 0) {
      core.countRefused(generation);
      return undefined;
    }
    return new Permit(core, generation, timeout);
  }

  /**
   * Like {@link CircuitBreaker.tryAcquire}, but throws when refused.
   * @throws {@link CircuitBreakerOpenError} or {@link BulkheadFullError}.
   */
  acquire(options?: PermitOptions): Permit {
    const core = this.#core;
    const timeout = permitTimeout(options);
    const generation = core.admit();
    if (generation < 0) throw core.refuse(generation);
    return new Permit(core, generation, timeout);
  }

  /** Would a call be admitted now? Admits nothing and takes no trial slot. */
  isAvailable(): boolean {
    return this.#core.available();
  }

  /**
   * Opens now and recovers normally after `durationMs` (e.g. a server's Retry-After); without it, for
   * the current open period (the backoff does not advance).
   */
  open(durationMs?: number): void {
    this.#core.open(durationMs === undefined ? undefined : checkDuration('durationMs', durationMs));
  }

  /** Refuses every call until {@link CircuitBreaker.reset}. */
  forceOpen(): void {
    this.#core.force('forced_open');
  }

  /** Admits every call and records metrics, never tripping, until {@link CircuitBreaker.reset}. */
  forceClose(): void {
    this.#core.force('forced_closed');
  }

  /** Back to CLOSED with every count cleared, cumulative metrics included. */
  reset(): void {
    this.#core.reset();
  }

  /**
   * Subscribes to an event.
   * @returns A function that unsubscribes.
   * @example
   * ```ts
   * const off = breaker.on('open', ({ name, retryAfter }) => alert(`${name} open for ${retryAfter} ms`));
   * ```
   */
  on<K extends keyof CircuitBreakerEvents>(
    event: K,
    listener: Listener<CircuitBreakerEvents[K]>,
  ): () => void {
    if (typeof listener !== 'function') throw new TypeError(expected('listener', 'a function', listener));
    return this.#core.on(event, listener);
  }

  /** A snapshot of the breaker's counts, rates and latency. */
  metrics(): CircuitBreakerMetrics {
    return metricsSnapshot(this.#core);
  }

  /**
   * The latency histogram's counts over its fixed buckets (the same in every process), for
   * exporters and fleet percentiles: histograms of many breakers add up bucket by bucket. Sampled
   * like `metrics().latency` (see `latencySampling`).
   */
  latencyHistogram(): LatencyHistogramSnapshot {
    return this.#core.stats.latencyHistogram();
  }

  /** The state to save, for the `initialState` option of a later breaker. */
  toJSON(): CircuitBreakerSnapshot {
    const core = this.#core;
    core.refresh();
    return { version: 1, name: core.name, state: core.state, ...core.saved() };
  }

  /** Clears the breaker's timers and listeners. Calls in flight still settle; later calls are refused. */
  dispose(): void {
    this.#core.dispose();
  }
}
