import type { CacheOptions, CoalesceOptions, ResolvedCache, ResolvedCoalesce } from './cache/cacheOptions.js';
import type { Clock } from './clock/Clock.js';
import type { FakeClock } from './clock/FakeClock.js';
import type { CircuitBreakerSnapshot } from './snapshot.js';
import type { StateStore } from './store/StateStore.js';

/** What the protected function receives. */
export interface CallContext {
  /**
   * Aborts when the call times out or the caller's signal aborts. Pass it on to `fetch`, database
   * drivers and anything else that can stop early. Created only when read.
   */
  readonly signal: AbortSignal;
}

/** A protected function: sync or async, given the call's context. */
export type Protected<T> = (ctx: CallContext) => T | PromiseLike<T>;

/** Runs instead of rejecting: while open, and on failures (see `fallbackOn`). */
export type Fallback<T> = (error: unknown, ctx: CallContext) => T | PromiseLike<T>;

/** An error class, for `exclude` and `include`. */
export type ErrorClass = abstract new (...args: never[]) => unknown;

/** A pino-compatible logger: `{ info(obj, msg), warn(obj, msg), error(obj, msg) }`. */
export interface Logger {
  /** Half-open and closing transitions. */
  info(fields: object, message?: string): void;
  /** An operator's `open()`, forced states, and a store that failed. */
  warn(fields: object, message?: string): void;
  /** A trip, and internal failures (a throwing listener, classifier or backoff function). */
  error(fields: object, message?: string): void;
}

/** The last `size` calls. */
export interface CountWindowOptions {
  /** A count window. */
  type: 'count';
  /** Calls kept, at most 1,000,000 (a slot each; use a time window for more). @default 100 */
  size?: number;
}

/** The calls of the last `duration` ms, kept in `buckets` slices. */
export interface TimeWindowOptions {
  /** A time window. */
  type: 'time';
  /** Ms kept. @default 60_000 */
  duration?: number;
  /** Slices of the duration, at most 10,000 and at most `duration`; older slices are forgotten whole. @default 10 */
  buckets?: number;
}

/** Where the rate rules and `minimumCalls` count. */
export type WindowOptions = CountWindowOptions | TimeWindowOptions;

/** Exponential growth of the open period while re-opening from half-open without closing. */
export interface BackoffOptions {
  /** Factor applied per re-opening. @default 2 */
  multiplier?: number;
  /** Longest open period, in ms. @default 300_000 */
  max?: number;
  /** Share of the period removed at random, in [0, 1]. @default 0 */
  jitter?: number;
}

/**
 * A failure-rate rule that learns the dependency's normal failure rate p̂ while closed and opens on
 * a real rise above it: Page's CUSUM on the outcomes, S = max(0, S + (failed ? ln(p1/p0) :
 * ln((1 − p1)/(1 − p0)))), p0 = p̂ (at least 0.001), p1 = 2·p0 (a doubling), opening when S reaches
 * h = ln(10^8) / `sensitivity` and the window's failure rate is at least `min`. At exactly its
 * learned rate it opens less than once per 10^7 calls (measured: none in 10^7 calls at learned
 * rates of 0.1%, 1%, 8% and 25%); from a learned 8% it catches a doubling in a median of 476 calls,
 * 30% in 113, every call failing in 25 (see the README). Until the baseline has seen 10
 * windows' worth of calls the rule is the fixed one at `max`; the window's rate at or above `max`
 * always opens at once.
 * @example
 * ```ts
 * new CircuitBreaker({ failureRateThreshold: { adaptive: true, min: 0.02 } });
 * ```
 */
export interface AdaptiveThresholdOptions {
  /** Learn the threshold (the rule's switch). */
  adaptive: true;
  /**
   * Nothing opens while the window's failure rate is below this, in (0, 1]; a rise that keeps the
   * window below it is learned as the new normal. @default 0.05
   */
  min?: number;
  /**
   * A plain ceiling: the window's failure rate at or above this opens at once (with
   * `minimumCalls`), learned or not; the whole rule until the baseline is learned. In (0, 1].
   * @default 0.5
   */
  max?: number;
  /**
   * Divides the detector's threshold h = ln(10^8), in (0, 2]: 2 catches a rise in half the calls and
   * opens falsely about once per 250,000 calls at a learned 8%; 0.5 takes twice the calls and
   * practically never opens falsely. @default 1
   */
  sensitivity?: number;
}

/**
 * Client-side adaptive throttling (Google SRE book, "Handling Overload"): while closed, a call is
 * refused locally with probability max(0, (requests − k·accepts) / (requests + 1)) over the last
 * `duration`, capped at `maxRejection`.
 */
export interface ThrottleOptions {
  /** Accepts are multiplied by this: 2 lets through about twice what the dependency accepts. @default 2 */
  k?: number;
  /** Ms of history the rejection probability is computed over. @default 120_000 */
  duration?: number;
  /** The highest share of calls refused, in [0, 1]. @default 0.9 */
  maxRejection?: number;
}

/** An active recovery check run by the breaker as its half-open trial (see `probe`). */
export type Probe = (ctx: CallContext) => unknown;

/** Gives the open period of the `attempt`-th opening in a row (1 = the first). */
export type BackoffFunction = (attempt: number) => number;

/**
 * Per-call options of `breaker.call()`. Unknown keys reject the call (a JavaScript caller's typo is
 * an error, not a no-op).
 */
export interface CallOptions<T> {
  /** Aborting it rejects the call at once with its reason; the outcome is ignored. */
  signal?: AbortSignal;
  /** Ms this call may take (overrides the breaker's `timeout`; `false` for none). */
  timeout?: number | false;
  /** Runs instead of rejecting (overrides the breaker's `fallback`). */
  fallback?: Fallback<T>;
  /**
   * The call's key, for a breaker with `cache` or `coalesce`: a fresh cached success for it is
   * served, a call in flight with it is joined. Without a key a call is never cached or coalesced;
   * on a breaker without either option the key is not used.
   */
  key?: string;
}

/**
 * Options of a {@link CircuitBreaker}. Every field is optional. `F` is the result type of the
 * breaker's `fallback`: `new CircuitBreaker({ fallback: () => cached })` is a `CircuitBreaker<typeof
 * cached>` whose `call()` resolves to what the function returns or to what the fallback does. An
 * options object declared as plain `CircuitBreakerOptions` takes any fallback (`F` is `unknown`).
 */
export interface CircuitBreakerOptions<F = unknown> {
  /** Name used in errors, events, logs and metrics. @default `circuit-breaker-<n>` */
  name?: string;
  /**
   * Opens after this many consecutive failures. `false` switches the rule off.
   * @default 5 when no trip rule is given, otherwise off
   */
  failureThreshold?: number | false;
  /**
   * Opens when failures / calls in the window reach this share, in (0, 1]; or
   * `{ adaptive: true, min, max, sensitivity }` to learn the dependency's normal rate and open on a
   * real rise above it (see {@link AdaptiveThresholdOptions}). @default off
   */
  failureRateThreshold?: number | false | AdaptiveThresholdOptions;
  /** Opens when slow calls / calls in the window reach this share, in (0, 1]. @default off */
  slowCallRateThreshold?: number | false;
  /** A call taking longer than this many ms is slow. @default 60_000 */
  slowCallDuration?: number;
  /**
   * No rule trips before the window holds this many calls.
   * @default 10 (or the count window's size if smaller) with a rate rule, otherwise 1
   */
  minimumCalls?: number;
  /** The window the rules count over. @default { type: 'count', size: 100 } */
  window?: WindowOptions;
  /** Ms the breaker stays open before trying again. @default 60_000 */
  resetTimeout?: number;
  /** Grow the open period on each re-opening from half-open. `true` uses the defaults. @default off */
  backoff?: BackoffOptions | BackoffFunction | boolean;
  /** Trial calls running at once in half-open; more are refused at once. @default 1 */
  halfOpenMaxCalls?: number;
  /** Successful trials that close the breaker. @default 1 */
  successThreshold?: number;
  /** Ms from the first trial within which half-open must decide, or it re-opens. @default 30_000 */
  halfOpenTimeout?: number;
  /** Ms a call may take; it then aborts and counts as a failure. `false` for none. @default none */
  timeout?: number | false;
  /** Runs instead of rejecting: while open, and on failures. Its result types the breaker. @default none */
  fallback?: Fallback<F>;
  /** Which errors from the function trigger the fallback. @default every error */
  fallbackOn?: (error: unknown) => boolean;
  /** Errors for which this returns `false` are ignored (neither success nor failure). */
  isFailure?: (error: unknown) => boolean;
  /** Errors of these classes are ignored (business errors). */
  exclude?: readonly ErrorClass[];
  /** Only errors of these classes count as failures; others are ignored. */
  include?: readonly ErrorClass[];
  /** Resolved values for which this returns `true` count as failures (the caller still gets them). */
  isResultFailure?: (value: unknown) => boolean;
  /** Calls running at once; more are refused with `BulkheadFullError`. @default unlimited */
  maxConcurrentCalls?: number | false;
  /**
   * Client-side adaptive throttling while closed: `true` for the defaults, or
   * `{ k, duration, maxRejection }` (see {@link ThrottleOptions}). Throttled calls are refused with
   * `CircuitBreakerThrottledError` (rejected, reason `'throttled'`) and get the fallback. @default off
   */
  throttle?: ThrottleOptions | boolean;
  /**
   * An active recovery check: when the open period ends, the breaker runs it itself as the half-open
   * trial, so a quiet service recovers without waiting for traffic. Bounded by `halfOpenTimeout`
   * (its `ctx.signal` aborts then); with a store, one instance of the fleet probes per round. What
   * it returns or throws decides, like a call's outcome. @default none
   */
  probe?: Probe;
  /** Share of calls whose latency feeds the histogram when nothing else needs timing, in [0, 1]. @default 0.1 */
  latencySampling?: number;
  /**
   * Source of randomness in [0, 1) for the backoff's jitter (and throttling), so that a seeded test
   * or simulation is deterministic. A draw that throws, or is not a number in [0, 1) (`NaN`, `1`,
   * `-1`), is taken as 0.5 and reported once as a `warn` log line. @default Math.random
   */
  random?: () => number;
  /** The service is unhealthy while this breaker is open (see `registry.health()`). @default false */
  critical?: boolean;
  /**
   * Receives a line for every transition, and listener errors. A method that throws, or returns a
   * rejected promise, is ignored. @default none
   */
  logger?: Logger;
  /**
   * Time source. A clock other than the default and {@link FakeClock} is read through a guard: a
   * reading that is `NaN` or infinite repeats the last good one, a reading that goes back rebases
   * (time goes on from the last good reading: a jump back of an hour is a step of 0), a `now()` that
   * throws repeats the last reading, a `setTimeout()` that throws falls back to the global timer;
   * each kind of fault is reported once as a `warn` log line. `breaker.options.clock` is then the
   * guard. @default performance.now() and the global timers
   */
  clock?: Clock;
  /** Shares state across instances (`breakwater/redis`). @default in memory */
  store?: StateStore;
  /** State to start from, saved by `breaker.toJSON()`. */
  initialState?: CircuitBreakerSnapshot;
  /**
   * Serves recent successes of calls with a key without calling the function: `{ ttl, key?,
   * maxEntries? }` (see {@link CacheOptions}). @default off
   */
  cache?: CacheOptions | false;
  /**
   * Callers with the same key share one call in flight: `true`, or `{ ttl?, key? }` (see
   * {@link CoalesceOptions}). @default off
   */
  coalesce?: CoalesceOptions | boolean;
}

/** The effective options of a breaker, defaults included (`breaker.options`). */
export interface ResolvedOptions {
  /** See {@link CircuitBreakerOptions.name}. */
  readonly name: string;
  /** See {@link CircuitBreakerOptions.failureThreshold}; `false` when the rule is off. */
  readonly failureThreshold: number | false;
  /** See {@link CircuitBreakerOptions.failureRateThreshold}; `false` when the rule is off. */
  readonly failureRateThreshold: number | false | Readonly<Required<AdaptiveThresholdOptions>>;
  /** See {@link CircuitBreakerOptions.slowCallRateThreshold}; `false` when the rule is off. */
  readonly slowCallRateThreshold: number | false;
  /** See {@link CircuitBreakerOptions.slowCallDuration}. */
  readonly slowCallDuration: number;
  /** See {@link CircuitBreakerOptions.minimumCalls}. */
  readonly minimumCalls: number;
  /** See {@link CircuitBreakerOptions.window}. */
  readonly window:
    | {
        /** A count window. */
        readonly type: 'count';
        /** Calls kept. */
        readonly size: number;
      }
    | {
        /** A time window. */
        readonly type: 'time';
        /** Ms kept. */
        readonly duration: number;
        /** Slices of the duration. */
        readonly buckets: number;
      };
  /** See {@link CircuitBreakerOptions.resetTimeout}. */
  readonly resetTimeout: number;
  /** See {@link CircuitBreakerOptions.backoff}; `false` when off. */
  readonly backoff: false | Readonly<Required<BackoffOptions>> | BackoffFunction;
  /** See {@link CircuitBreakerOptions.halfOpenMaxCalls}. */
  readonly halfOpenMaxCalls: number;
  /** See {@link CircuitBreakerOptions.successThreshold}. */
  readonly successThreshold: number;
  /** See {@link CircuitBreakerOptions.halfOpenTimeout}. */
  readonly halfOpenTimeout: number;
  /** See {@link CircuitBreakerOptions.timeout}; `false` for none. */
  readonly timeout: number | false;
  /** See {@link CircuitBreakerOptions.fallback}. */
  readonly fallback: Fallback<unknown> | undefined;
  /** See {@link CircuitBreakerOptions.fallbackOn}. */
  readonly fallbackOn: ((error: unknown) => boolean) | undefined;
  /** See {@link CircuitBreakerOptions.isFailure}. */
  readonly isFailure: ((error: unknown) => boolean) | undefined;
  /** See {@link CircuitBreakerOptions.exclude}. */
  readonly exclude: readonly ErrorClass[];
  /** See {@link CircuitBreakerOptions.include}. */
  readonly include: readonly ErrorClass[];
  /** See {@link CircuitBreakerOptions.isResultFailure}. */
  readonly isResultFailure: ((value: unknown) => boolean) | undefined;
  /** See {@link CircuitBreakerOptions.maxConcurrentCalls}; `Infinity` for unlimited. */
  readonly maxConcurrentCalls: number;
  /** See {@link CircuitBreakerOptions.throttle}; `false` when off. */
  readonly throttle: Readonly<Required<ThrottleOptions>> | false;
  /** See {@link CircuitBreakerOptions.probe}. */
  readonly probe: Probe | undefined;
  /** See {@link CircuitBreakerOptions.latencySampling}. */
  readonly latencySampling: number;
  /** See {@link CircuitBreakerOptions.random}. */
  readonly random: () => number;
  /** See {@link CircuitBreakerOptions.critical}. */
  readonly critical: boolean;
  /** See {@link CircuitBreakerOptions.logger}. */
  readonly logger: Logger | undefined;
  /** See {@link CircuitBreakerOptions.clock}; the system clock by default. */
  readonly clock: Clock;
  /** See {@link CircuitBreakerOptions.store}. */
  readonly store: StateStore | undefined;
  /** See {@link CircuitBreakerOptions.initialState}. */
  readonly initialState: CircuitBreakerSnapshot | undefined;
  /** The cache of recent successes, or `undefined` without one. */
  readonly cache: ResolvedCache | undefined;
  /** Request coalescing, or `undefined` without it. */
  readonly coalesce: ResolvedCoalesce | undefined;
}

/** The documented defaults. */
export const DEFAULTS = Object.freeze({
  /** The consecutive rule's threshold when no rule is given. */
  failureThreshold: 5,
  /** Ms after which a call is slow. */
  slowCallDuration: 60_000,
  /** Calls a count window keeps. */
  windowSize: 100,
  /** Ms a time window keeps. */
  windowDuration: 60_000,
  /** Slices of a time window. */
  windowBuckets: 10,
  /** `minimumCalls` with a rate rule (or the count window's size if smaller). */
  rateMinimumCalls: 10,
  /** Ms the breaker stays open. */
  resetTimeout: 60_000,
  /** Growth of the open period per re-opening, with `backoff`. */
  backoffMultiplier: 2,
  /** Longest open period with `backoff`, in ms. */
  backoffMax: 300_000,
  /** Share of the open period removed at random, with `backoff`. */
  backoffJitter: 0,
  /** Trial calls at once in half-open. */
  halfOpenMaxCalls: 1,
  /** Successful trials that close the breaker. */
  successThreshold: 1,
  /** Ms half-open may take to decide before it re-opens. */
  halfOpenTimeout: 30_000,
  /** Share of calls timed when nothing else needs timing. */
  latencySampling: 0.1,
  /** The adaptive threshold's floor. */
  adaptiveMin: 0.05,
  /** The adaptive threshold's ceiling (and its value until learned). */
  adaptiveMax: 0.5,
  /** Divides the detector's decision height h = ln(10^8) (higher: quicker, more false opens). */
  adaptiveSensitivity: 1,
  /** The throttle's multiplier of accepted requests. */
  throttleK: 2,
  /** Ms of history the throttle counts. */
  throttleDuration: 120_000,
  /** The throttle's highest rejection probability. */
  throttleMaxRejection: 0.9,
});
