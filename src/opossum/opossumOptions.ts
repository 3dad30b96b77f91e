import { MAX_TIMER_MS } from '../options/validate.js';
import type { CircuitBreakerOptions } from '../options.js';
import type { OpossumStats, RotateController, Status } from './Status.js';

/** A custom store for the cache (opossum's `cacheTransport`): `get`, `set` and `flush`. */
export interface OpossumCacheTransport {
  /** The cached entry for `key` (what `set` was given), or `undefined`. */
  get(key: string): unknown;
  /** Keeps `value` (a promise of the result) for `key` until `expiresAt` (epoch ms; 0 for no expiry). */
  set(key: string, value: unknown, expiresAt: number): void;
  /** Forgets every entry. */
  flush(): void;
}

/**
 * The state saved by `toJSON().state`, to start a breaker from (`state` option). On restore, only
 * `enabled`, `closed`, `halfOpen`, `warmUp`, `shutdown` and `lastTimerAt` are read.
 */
export interface OpossumState {
  /**
   * The saved breaker's name. Not read on restore: the `name` option (or the action's name) names the
   * new breaker.
   */
  name?: string;
  /**
   * Whether the breaker protected its calls. With `state` given, this alone decides: `false` starts
   * the breaker disabled, anything else enabled (the `enabled` option is not read).
   */
  enabled?: boolean;
  /**
   * Whether the breaker was closed (forced closed included). Only `false` restores it open or
   * half-open (see `halfOpen` and `lastTimerAt`); absent or `true`, it starts closed.
   */
  closed?: boolean;
  /**
   * Whether the breaker was open (forced open included). Not read on restore: `closed` and `halfOpen`
   * decide.
   */
  open?: boolean;
  /**
   * Whether the breaker was half-open; with `closed: false`, `true` restores it half-open, ready for a
   * trial call.
   */
  halfOpen?: boolean;
  /**
   * Whether the breaker was warming up; `true` starts a new warm-up of `rollingCountTimeout` ms, as
   * `allowWarmUp` does.
   */
  warmUp?: boolean;
  /** Accepted for opossum's type only: never read, and `toJSON()` does not write it. */
  pendingClose?: boolean;
  /**
   * Whether the breaker was shut down; `true` restores it shut down, so that every call rejects with
   * `ESHUTDOWN`.
   */
  shutdown?: boolean;
  /**
   * Epoch ms at which the breaker last opened (`toJSON()` gives it only while open or half-open).
   * Restored open, the breaker stays open for what is left of `resetTimeout` since then, or is
   * half-open when nothing is left; without it, it stays open for a whole `resetTimeout`.
   */
  lastTimerAt?: number | undefined;
}

/** breakwater options for the breaker under an opossum one (`options.breakwater`). */
export type BreakwaterOptions = Omit<
  CircuitBreakerOptions,
  'name' | 'timeout' | 'fallback' | 'cache' | 'coalesce' | 'initialState'
>;

/**
 * Options of an opossum breaker, with opossum's defaults. Unknown keys are ignored, as opossum
 * ignores them.
 */
export interface OpossumOptions<TI extends unknown[] = unknown[]> {
  /** Ms a call may take before it fails with `ETIMEDOUT`; `false` or 0 for none. @default 10000 */
  timeout?: number | false | undefined;
  /** Opens when failures / fires in the rolling window exceed this percentage. @default 50 */
  errorThresholdPercentage?: number | undefined;
  /** Ms the breaker stays open before a trial call. @default 30000 */
  resetTimeout?: number | undefined;
  /** Ms the rolling window covers. @default 10000 */
  rollingCountTimeout?: number | undefined;
  /** Slices of the rolling window. @default 10 */
  rollingCountBuckets?: number | undefined;
  /** The breaker's name. @default the action's name, else a random UUID */
  name?: string | undefined;
  /** A group name for reporting. @default the name */
  group?: string | undefined;
  /** Keep latencies and compute percentiles. @default true */
  rollingPercentilesEnabled?: boolean | undefined;
  /** Calls running at once; more are rejected with `ESEMLOCKED`. @default unlimited */
  capacity?: number | undefined;
  /** Whether the breaker protects calls from the start (see `disable()`). @default true */
  enabled?: boolean | undefined;
  /** Failures during the first `rollingCountTimeout` ms do not open the breaker. @default false */
  allowWarmUp?: boolean | undefined;
  /** Fires in the rolling window before the breaker may open. @default 0 */
  volumeThreshold?: number | undefined;
  /**
   * Errors for which it returns true count as successes (the caller still gets the error, and no
   * fallback runs). It receives the error and the call's arguments.
   */
  errorFilter?: ((error: never, ...args: TI) => boolean) | undefined;
  /** Serve the last success for the same arguments (see `cacheTTL`, `cacheGetKey`). @default false */
  cache?: boolean | undefined;
  /** Ms a cached success is served; 0 for as long as it is kept. @default 0 */
  cacheTTL?: number | undefined;
  /** Entries of the default `MemoryCache` at most (the oldest out first). @default 1000 */
  cacheSize?: number | undefined;
  /** The key of a call for the cache and coalescing. @default the arguments as JSON */
  cacheGetKey?: ((...args: TI) => string) | undefined;
  /** Where the cache keeps results. @default a `MemoryCache` of `cacheSize` entries */
  cacheTransport?: OpossumCacheTransport | undefined;
  /** Callers with the same key share the call in flight. @default false */
  coalesce?: boolean | undefined;
  /** Ms after its start during which a call in flight may be joined; 0 for no limit. @default timeout */
  coalesceTTL?: number | undefined;
  /** Accepted for compatibility: a shared call is only shared while in flight (see the README). */
  coalesceSize?: number | undefined;
  /** Accepted for compatibility: a shared call is never kept after it settles. */
  coalesceResetOn?: ('error' | 'success' | 'timeout')[] | undefined;
  /**
   * Aborted when a call times out, so that an action watching its signal (`getSignal()`) can stop.
   * It is shared by every call: once aborted it stays so, unless `autoRenewAbortController`.
   */
  abortController?:
    | AbortController
    | {
        /** Called each time a call times out. */
        abort(): void;
        /**
         * What `getSignal()` returns. With `autoRenewAbortController`, once it is aborted the controller
         * is replaced by a new `AbortController` on half-open and on close.
         */
        signal?: AbortSignal;
      }
    | undefined;
  /** A fresh `abortController` on half-open and close once it was aborted. @default false */
  autoRenewAbortController?: boolean | undefined;
  /** Emit `snapshot` events on `status` (only while something listens). @default true */
  enableSnapshots?: boolean | undefined;
  /** Rotate the rolling window on this emitter's `rotate` events. */
  rotateBucketController?: RotateController | undefined;
  /** Stats to start from: a `Status` (see `CircuitBreaker.newStatus`) or saved `stats`. */
  status?: Status | Partial<OpossumStats> | undefined;
  /** State to start from (`toJSON().state`). */
  state?: OpossumState | undefined;
  /** Not supported (opossum deprecated it): use `errorThresholdPercentage`. */
  maxFailures?: number | undefined;
  /**
   * breakwater: options of the underlying breaker (`store`, `logger`, `clock`, `critical`, ...),
   * over the registry's defaults and the options mapped from opossum's.
   */
  breakwater?: BreakwaterOptions | undefined;
}

/** The options a breaker runs with, opossum's defaults filled in (`breaker.options`). */
export interface ResolvedOpossumOptions extends OpossumOptions {
  timeout: number | false;
  errorThresholdPercentage: number;
  resetTimeout: number;
  rollingCountTimeout: number;
  rollingCountBuckets: number;
  rollingPercentilesEnabled: boolean;
  capacity: number;
  cacheTTL: number;
  coalesce: boolean;
  coalesceTTL: number;
  coalesceResetOn: ('error' | 'success' | 'timeout')[];
  enableSnapshots: boolean;
}

const RESET_ON = ['error', 'success', 'timeout'] as const;

/**
 * @internal opossum's options with its defaults filled in, in a new object (the caller's is never
 * changed).
 */
export function resolveOpossumOptions(options: OpossumOptions | undefined): ResolvedOpossumOptions {
  const o: OpossumOptions = options ?? {};
  const timeout = o.timeout ?? 10_000;
  return {
    ...o,
    timeout,
    errorThresholdPercentage: o.errorThresholdPercentage ?? 50,
    resetTimeout: o.resetTimeout ?? 30_000,
    rollingCountTimeout: o.rollingCountTimeout ?? 10_000,
    rollingCountBuckets: o.rollingCountBuckets ?? 10,
    rollingPercentilesEnabled: o.rollingPercentilesEnabled !== false,
    capacity: Number.isInteger(o.capacity) ? (o.capacity as number) : Number.MAX_SAFE_INTEGER,
    cacheTTL: o.cacheTTL ?? 0,
    coalesce: o.coalesce === true,
    coalesceTTL: o.coalesceTTL ?? (timeout === false ? 0 : timeout),
    coalesceResetOn: Array.isArray(o.coalesceResetOn)
      ? o.coalesceResetOn.filter((event) => (RESET_ON as readonly string[]).includes(event))
      : [],
    enableSnapshots: o.enableSnapshots !== false,
  };
}

/**
 * @internal The options of the breakwater breaker under an opossum one: opossum's rule (failures /
 * calls in a time window of `rollingCountTimeout` above `errorThresholdPercentage`, once the window
 * holds `volumeThreshold` calls), its timeout, reset timeout and capacity, one trial call in
 * half-open; then `options.breakwater` over them.
 */
export function breakerOptions(
  o: ResolvedOpossumOptions,
  name: string,
  warmingUp: () => boolean,
): CircuitBreakerOptions {
  const timeout = typeof o.timeout === 'number' && o.timeout > 0 ? Math.min(o.timeout, MAX_TIMER_MS) : false;
  const duration = o.rollingCountTimeout > 0 ? o.rollingCountTimeout : 10_000;
  const finest = Math.max(1, Math.floor(duration));
  const buckets = Math.min(
    Number.isInteger(o.rollingCountBuckets) && o.rollingCountBuckets > 0 ? o.rollingCountBuckets : 10,
    finest,
  );
  const rate = strictlyAbove(o.errorThresholdPercentage);
  const mapped: CircuitBreakerOptions = {
    name,
    // Only opossum's rule trips: no consecutive-failure rule beside it (none at all above 100%).
    failureThreshold: false,
    failureRateThreshold: rate,
    minimumCalls: Math.max(1, Number.isInteger(o.volumeThreshold) ? (o.volumeThreshold as number) : 0),
    window: { type: 'time', duration, buckets },
    resetTimeout: Math.min(Math.max(0, o.resetTimeout || 0), MAX_TIMER_MS),
    // A hung trial cannot wedge the breaker; it must not cut a trial short of its own timeout.
    halfOpenTimeout: Math.min(Math.max(30_000, timeout === false ? 0 : timeout + 1_000), MAX_TIMER_MS),
    timeout,
    maxConcurrentCalls: o.capacity >= 1 && o.capacity < Number.MAX_SAFE_INTEGER ? o.capacity : false,
  };
  if (o.allowWarmUp === true) mapped.isFailure = () => !warmingUp();
  if (o.coalesce) mapped.coalesce = { ttl: o.coalesceTTL > 0 ? o.coalesceTTL : Number.POSITIVE_INFINITY };
  return { ...mapped, ...o.breakwater, name };
}

/**
 * `failureRateThreshold` for opossum's `errorRate > errorThresholdPercentage` (breakwater trips at
 * `>=`): the next double above the share, so that a rate exactly at the percentage does not trip;
 * `false` (never trips) at 100% or more.
 */
function strictlyAbove(percentage: number): number | false {
  const share = Math.max(0, percentage) / 100;
  if (!(share < 1)) return false;
  return nextUp(share);
}

/** The smallest double greater than `x` (for x >= 0). */
function nextUp(x: number): number {
  if (x === 0) return Number.MIN_VALUE;
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  view.setBigUint64(0, view.getBigUint64(0) + 1n);
  return view.getFloat64(0);
}
