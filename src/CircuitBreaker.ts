import type { CircuitState } from './CircuitState.js';
import { existingKeyedCalls } from './cache/KeyedCalls.js';
import { keyOptions } from './cache/keyOptions.js';
import { fallbackApplies } from './call/Call.js';
import { callWithOptions, misuse } from './call/callWithOptions.js';
import { FAST_CONTEXT } from './call/context.js';
import { follow, invoke, invoked, PROMISED, RETURNED, THREW } from './call/invoke.js';
import { settleFast } from './call/observe.js';
import { breakerOptionsFromEnv, type FromEnvOptions } from './config/env.js';
import { Engine } from './engine/Engine.js';
import type { CircuitBreakerEvents, Listener } from './events.js';
import { type Inspect, inspectBreaker } from './inspectBreaker.js';
import type { CircuitBreakerMetrics } from './metrics.js';
import { checkDuration, permitTimeout } from './options/callOptions.js';
import { expected } from './options/describe.js';
import { type ResetOwner, resolveBreakerOptions, setBreakerResetOwner } from './options/sharedOptions.js';
import type {
  CallContext,
  CallOptions,
  CircuitBreakerOptions,
  Fallback,
  Protected,
  ResolvedOptions,
} from './options.js';
import { createPermit, type Permit, type PermitOptions } from './Permit.js';
import type { CircuitBreakerSnapshot } from './snapshot.js';
import type { LatencyHistogramSnapshot } from './window/LatencyHistogram.js';

/**
 * The effective options of breakers whose shared options carry another name (keyed breakers, and
 * breakers made with a name only), built when first read: kept aside so that no breaker carries a
 * field for it.
 */
const namedOptions = new WeakMap<Engine, ResolvedOptions>();

/** Handles the outcome of a promise `callSync()` refused. */
function ignore(): void {}

/** @internal A breaker's calls in flight, without a `metrics()` snapshot (a keyed group's eviction). */
export let inFlightOf: (breaker: CircuitBreaker<unknown>) => number;

let observe: (breaker: CircuitBreaker<unknown>, owner: ResetOwner | undefined) => void;

/**
 * @internal Makes `owner` hear of every reset of `breaker`, before its counts are cleared
 * (`undefined`: no longer). A registry keeps a registered breaker's exported counters monotonic
 * with it; the breaker carries no field for it.
 */
export function observeResets(breaker: CircuitBreaker<unknown>, owner: ResetOwner | undefined): void {
  observe(breaker, owner);
}

/**
 * A circuit breaker: wraps calls to a dependency and fails fast while it is down.
 *
 * CLOSED: calls pass, outcomes are counted. When a trip rule holds it goes OPEN: calls are refused
 * with {@link CircuitBreakerOpenError} (or get the fallback) without touching the dependency. After
 * the open period it is HALF_OPEN: a few trial calls test recovery; enough successes close it, one
 * failure re-opens it.
 *
 * `F` is the result type of the breaker-level `fallback` (none: `never`), so `call()` resolves to
 * `T | F`.
 *
 * @example
 * ```ts
 * const breaker = new CircuitBreaker({ name: 'payment-api', failureThreshold: 5, resetTimeout: 60_000 });
 * const receipt = await breaker.call(({ signal }) => charge(order, { signal }));
 * ```
 */
export class CircuitBreaker<F = never> {
  readonly #engine: Engine;

  static {
    inFlightOf = (breaker) => breaker.#engine.inFlight;
    observe = (breaker, owner) => setBreakerResetOwner(breaker.#engine, owner);
  }

  /**
   * @param options - See {@link CircuitBreakerOptions}; every field is optional. With `initialState`
   * and no `name`, the breaker takes the name of the breaker that saved the snapshot.
   * @throws TypeError for an option of the wrong type or an unknown option, or an `initialState`
   * saved by a breaker of another name; RangeError for a value out of range; the message names the
   * option, the expected form and the value received.
   */
  constructor(options?: CircuitBreakerOptions<F>) {
    const { options: resolved, name: given } = resolveBreakerOptions(options as CircuitBreakerOptions);
    const saved = resolved.initialState;
    const name = saved === undefined ? given : restoredName(saved, given, options?.name);
    const engine = new Engine(name, resolved);
    this.#engine = engine;
    if (saved !== undefined) {
      const elapsed = Math.max(0, (resolved.clock.wallNow?.() ?? Date.now()) - saved.savedAt);
      engine.restore(
        saved.state,
        saved.remainingOpenMs - elapsed,
        saved.backoffAttempt,
        saved.baseline ?? undefined,
      );
    }
    if (resolved.store !== undefined) engine.bind(resolved.store);
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
    return this.#engine.name;
  }

  /** The effective options: presets, environment, registry defaults and defaults applied. Frozen. */
  get options(): ResolvedOptions {
    const engine = this.#engine;
    const shared = engine.options;
    if (shared.name === engine.name) return shared;
    let named = namedOptions.get(engine);
    if (named === undefined) {
      named = Object.freeze({ ...shared, name: engine.name });
      namedOptions.set(engine, named);
    }
    return named;
  }

  /** The current state, exact on every read (a breaker whose open period has passed reads `half_open`). */
  get state(): CircuitState {
    const automaton = this.#engine.automaton;
    automaton.refresh();
    return automaton.state;
  }

  /**
   * Calls `fn` through the breaker. Never throws synchronously: every failure is a rejection.
   * @param fn - Sync or async; receives `{ signal }`, which aborts on timeout or the caller's abort.
   * @param options - Per-call `signal`, `timeout` and `fallback` (unknown keys reject the call).
   * @returns What `fn` returns (or a fallback's value).
   * @throws (rejects) {@link CircuitBreakerOpenError} while refusing, {@link CircuitBreakerTimeoutError},
   * {@link BulkheadFullError}, a TypeError for a bad argument, or `fn`'s own error unchanged.
   */
  call<T>(fn: Protected<T>, options?: CallOptions<T>): Promise<T | F> {
    const engine = this.#engine;
    if (options !== undefined || engine.slowPath) return callWithOptions<T | F>(engine, fn, options);
    if (typeof fn !== 'function') return misuse(engine, fn);
    const generation = engine.admit();
    if (generation < 0) return Promise.reject(engine.refuse(generation));
    const start = engine.recorder.startTime();
    const result = invoke(fn, FAST_CONTEXT);
    // The generation taken at admission: whatever `fn` did to the breaker meanwhile.
    if (invoked === PROMISED && Number.isNaN(start)) return engine.observe(result, generation, true);
    return settleFast(engine, result, invoked, generation, start);
  }

  /**
   * Calls a synchronous `fn` through the breaker. No timeout; the breaker's fallback applies.
   * @returns What `fn` returns (or the fallback's value).
   * @throws {@link CircuitBreakerOpenError} while refusing (unless a fallback is set); `fn`'s own
   * error; a TypeError when `fn` returns a promise (use {@link CircuitBreaker.call}).
   */
  callSync<T>(fn: (ctx: CallContext) => T): T | F {
    const engine = this.#engine;
    if (typeof fn !== 'function') {
      const error = new TypeError(expected('fn', 'a function', fn));
      engine.countIgnored(error);
      throw error;
    }
    const fallback = engine.options.fallback as Fallback<F> | undefined;
    const generation = engine.admit();
    if (generation < 0) {
      const error = engine.refuse(generation);
      if (engine.disposed || fallback === undefined) throw error;
      engine.noteFallback(error);
      return fallback(error, FAST_CONTEXT) as F;
    }
    const start = engine.recorder.startTime();
    const result = invoke(fn, FAST_CONTEXT);
    const kind = invoked;
    if (kind === RETURNED) {
      engine.settleValue(generation, start, result);
      return result as T;
    }
    if (kind === THREW) {
      engine.settleError(generation, start, result);
      if (!fallbackApplies(engine, fallback, result)) throw result;
      engine.noteFallback(result);
      return (fallback as Fallback<F>)(result, FAST_CONTEXT) as F;
    }
    // A promise or a thenable: the caller's mistake. Its outcome is ignored, its rejection handled.
    follow(result, kind === PROMISED, ignore, ignore);
    const error = new TypeError('callSync() got a promise from `fn`; use call() for async functions');
    engine.settleIgnored(generation, error);
    throw error;
  }

  /**
   * Wraps `fn` so that every call goes through the breaker (decorator style). `this` is forwarded.
   * With `cache` or `coalesce`, each call is keyed by their `key(...args)` (default: the arguments as
   * JSON).
   * @returns A function with `fn`'s parameters returning a promise of its result.
   * @throws TypeError when `fn` is not a function.
   */
  wrap<A extends unknown[], R, This = unknown>(
    fn: (this: This, ...args: A) => R | PromiseLike<R>,
  ): (this: This, ...args: A) => Promise<R | F> {
    if (typeof fn !== 'function') throw new TypeError(expected('fn', 'a function', fn));
    const breaker = this;
    const options = this.#engine.options;
    if (options.cache === undefined && options.coalesce === undefined) {
      return function (this: This, ...args: A): Promise<R | F> {
        return breaker.call(() => fn.apply(this, args));
      };
    }
    return function (this: This, ...args: A): Promise<R | F> {
      const keyed = keyOptions(options, args);
      if (keyed instanceof Promise) return keyed;
      return breaker.call(() => fn.apply(this, args), keyed);
    };
  }

  /**
   * Forgets cached successes (`cache` option): the one for `key`, or all of them. Calls in flight
   * that are shared (`coalesce`) are not affected.
   * @param key - A call's key; without it the whole cache is cleared.
   */
  clearCache(key?: string): void {
    existingKeyedCalls(this.#engine)?.cache?.clear(key);
  }

  /**
   * Asks for permission to make one call, for code that cannot be wrapped in a function.
   * @param options - `timeout` (unknown keys are a TypeError).
   * @returns A {@link Permit} to settle once, or `undefined` when the call would be refused (counted
   * as rejected).
   */
  tryAcquire(options?: PermitOptions): Permit | undefined {
    const engine = this.#engine;
    const timeout = permitTimeout(options);
    const generation = engine.admit();
    if (generation < 0) {
      engine.countRefused(generation);
      return undefined;
    }
    return createPermit(engine, generation, timeout);
  }

  /**
   * Like {@link CircuitBreaker.tryAcquire}, but throws when refused.
   * @throws {@link CircuitBreakerOpenError} or {@link BulkheadFullError}; TypeError for bad options.
   */
  acquire(options?: PermitOptions): Permit {
    const engine = this.#engine;
    const timeout = permitTimeout(options);
    const generation = engine.admit();
    if (generation < 0) throw engine.refuse(generation);
    return createPermit(engine, generation, timeout);
  }

  /** Would a call be admitted now? Admits nothing and takes no trial slot. */
  isAvailable(): boolean {
    return this.#engine.available();
  }

  /**
   * Opens now and recovers normally after `durationMs` (e.g. a server's Retry-After); without it, for
   * the current open period (the backoff does not advance). Logged at `warn`: an operator's action.
   * @throws RangeError for a duration that is not between 0 and 2^31-1 ms.
   */
  open(durationMs?: number): void {
    this.#engine.open(durationMs === undefined ? undefined : checkDuration('durationMs', durationMs));
  }

  /** Refuses every call until {@link CircuitBreaker.reset}. */
  forceOpen(): void {
    this.#engine.force('forced_open');
  }

  /** Admits every call and records metrics, never tripping, until {@link CircuitBreaker.reset}. */
  forceClose(): void {
    this.#engine.force('forced_closed');
  }

  /** Back to CLOSED with every count cleared, cumulative metrics included. */
  reset(): void {
    this.#engine.reset();
  }

  /**
   * Subscribes to an event.
   * @returns A function that unsubscribes.
   * @throws TypeError for an unknown event (naming the closest) or a listener that is not a function.
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
    return this.#engine.on(event, listener);
  }

  /** A snapshot of the breaker's counts, rates and latency. */
  metrics(): CircuitBreakerMetrics {
    return this.#engine.metrics();
  }

  /**
   * The latency histogram's counts over its fixed buckets (the same in every process), for
   * exporters and fleet percentiles: histograms of many breakers add up bucket by bucket. Sampled
   * like `metrics().latency` (see `latencySampling`).
   */
  latencyHistogram(): LatencyHistogramSnapshot {
    return this.#engine.recorder.latencyHistogram();
  }

  /**
   * The state to save, for the `initialState` option of a later breaker: the state, the open time
   * left, the backoff attempt, and (version 2, with an adaptive failure-rate rule) its learned baseline.
   */
  toJSON(): CircuitBreakerSnapshot {
    const engine = this.#engine;
    const automaton = engine.automaton;
    automaton.refresh();
    const saved = {
      name: engine.name,
      state: automaton.state,
      ...automaton.saved(),
      savedAt: engine.clock.wallNow?.() ?? Date.now(),
    };
    // Version 2 adds what an adaptive rule learned; without one the snapshot stays version 1, which
    // every version reads.
    const adaptive = automaton.rules.adaptive;
    return adaptive === undefined
      ? { version: 1, ...saved }
      : { version: 2, ...saved, baseline: adaptive.saved() };
  }

  /** Clears the breaker's timers and listeners. Calls in flight still settle; later calls are refused. */
  dispose(): void {
    this.#engine.dispose();
  }

  /** What `console.log(breaker)` prints in Node: `CircuitBreaker { name: 'db', state: 'closed', ... }`. */
  [Symbol.for('nodejs.util.inspect.custom')](depth: number, options: unknown, inspect?: Inspect): string {
    return inspectBreaker(this, depth, options, inspect);
  }
}

/**
 * The name of a breaker restored from `saved`: the one given, which must be the snapshot's, or the
 * snapshot's when none was given (the default name would never match).
 */
function restoredName(saved: CircuitBreakerSnapshot, resolved: string, given: string | undefined): string {
  if (typeof saved.name !== 'string' || saved.name === '') {
    throw new TypeError(expected('initialState.name', 'the name of the breaker that saved it', saved.name));
  }
  if (given === undefined || saved.name === resolved) return saved.name;
  throw new TypeError(
    `\`initialState\` was saved by breaker '${saved.name}', but this breaker is named '${resolved}': a snapshot ` +
      `restores the breaker that saved it. Give \`name: '${saved.name}'\` (or leave \`name\` out to take the snapshot's)`,
  );
}
