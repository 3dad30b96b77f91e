import { type Clock, systemClock } from '../clock/Clock.js';
import type { CircuitBreakerMetrics } from '../metrics.js';
import {
  type BackoffOptions,
  type CircuitBreakerOptions,
  DEFAULTS,
  type Logger,
  type ResolvedOptions,
} from '../options.js';
import { validateSnapshot } from '../snapshot.js';
import type { StateStore } from '../store/StateStore.js';
import type { LatencyHistogramSnapshot } from '../window/LatencyHistogram.js';
import { closestName } from './closestName.js';
import { describe, expected } from './describe.js';
import {
  bool,
  duration,
  errorClasses,
  fn,
  integer,
  nestedKeys,
  number,
  optionalInteger,
  positive,
  rate,
  share,
  withMethods,
} from './validate.js';

/** Every key a breaker accepts. */
export const OPTION_KEYS: readonly (keyof CircuitBreakerOptions)[] = [
  'name',
  'failureThreshold',
  'failureRateThreshold',
  'slowCallRateThreshold',
  'slowCallDuration',
  'minimumCalls',
  'window',
  'resetTimeout',
  'backoff',
  'halfOpenMaxCalls',
  'successThreshold',
  'halfOpenTimeout',
  'timeout',
  'fallback',
  'fallbackOn',
  'isFailure',
  'exclude',
  'include',
  'isResultFailure',
  'maxConcurrentCalls',
  'latencySampling',
  'critical',
  'logger',
  'clock',
  'store',
  'initialState',
];
const KNOWN: ReadonlySet<string> = new Set(OPTION_KEYS);
const BELONGS_ELSEWHERE: Readonly<Record<string, string>> = {
  maxKeys: 'registry.keyed()',
  idleTtl: 'registry.keyed()',
  shared: 'registry.keyed()',
  registry: '@protect()',
};

let unnamed = 0;
const DEFAULT_WINDOW: ResolvedOptions['window'] = Object.freeze({ type: 'count', size: DEFAULTS.windowSize });
const STORE_WINDOW: ResolvedOptions['window'] = Object.freeze({
  type: 'time',
  duration: DEFAULTS.windowDuration,
  buckets: DEFAULTS.windowBuckets,
});
let defaultOptions: ResolvedOptions | undefined;

/**
 * @internal Options resolved once and shared by many breakers (a keyed group's), each with its own
 * name. Only this module can make one, so it cannot come from user input.
 */
class SharedOptions {
  constructor(
    readonly options: ResolvedOptions,
    readonly name: string,
    readonly owner: ResetOwner | undefined,
  ) {}
}

/** @internal Told what a breaker had counted before a reset clears it (a keyed group's totals). */
export interface ResetOwner {
  retire(metrics: CircuitBreakerMetrics, histogram: LatencyHistogramSnapshot): void;
}

/** @internal Wraps resolved options for `new CircuitBreaker()` so they are shared, not copied. */
export function shareOptions(
  options: ResolvedOptions,
  name: string,
  owner?: ResetOwner,
): CircuitBreakerOptions {
  return new SharedOptions(options, name, owner) as unknown as CircuitBreakerOptions;
}

/**
 * @internal A breaker's effective options and name. Breakers created with no options but a name (and
 * keyed breakers) share one frozen options object: a breaker's memory then holds only its state.
 * The shared object's own `name` may differ from the breaker's.
 */
export function resolveBreakerOptions(input: CircuitBreakerOptions | undefined): {
  options: ResolvedOptions;
  name: string;
  owner?: ResetOwner | undefined;
} {
  if (input instanceof SharedOptions) return { options: input.options, name: input.name, owner: input.owner };
  if (input === undefined || (typeof input === 'object' && input !== null && onlyName(input))) {
    const name = input?.name === undefined ? `circuit-breaker-${++unnamed}` : input.name;
    if (typeof name !== 'string' || name.length === 0)
      throw new TypeError(expected('name', 'a non-empty string', name));
    defaultOptions ??= resolveOptions({ name: 'circuit-breaker' });
    return { options: defaultOptions, name };
  }
  const options = resolveOptions(input);
  return { options, name: options.name };
}

function onlyName(input: object): boolean {
  for (const key in input) if (key !== 'name') return false;
  return true;
}

type Input = { readonly [K in keyof CircuitBreakerOptions]?: CircuitBreakerOptions[K] | undefined };

/**
 * @internal Validates a breaker's options and fills in the defaults. Never mutates `input`.
 * @throws TypeError for a wrong type or an unknown key, RangeError for a value out of range.
 */
export function resolveOptions(input: CircuitBreakerOptions | undefined): ResolvedOptions {
  if (input === undefined) input = {};
  if (typeof input !== 'object' || input === null) {
    throw new TypeError(expected('options', 'an object', input));
  }
  checkKeys(input);
  const o = input as Input;

  const name = o.name === undefined ? `circuit-breaker-${++unnamed}` : o.name;
  if (typeof name !== 'string' || name.length === 0)
    throw new TypeError(expected('name', 'a non-empty string', name));

  const anyRuleGiven =
    o.failureThreshold !== undefined ||
    o.failureRateThreshold !== undefined ||
    o.slowCallRateThreshold !== undefined;
  const failureThreshold = anyRuleGiven
    ? optionalInteger('failureThreshold', o.failureThreshold, 1)
    : DEFAULTS.failureThreshold;
  const failureRateThreshold = rate('failureRateThreshold', o.failureRateThreshold);
  const slowCallRateThreshold = rate('slowCallRateThreshold', o.slowCallRateThreshold);
  const store = withMethods<StateStore>('store', o.store, ['bind'], 'a StateStore with bind() and close()');
  // Shared rate rules count the fleet's calls over time buckets: with a store the default window is
  // a time window, and an explicit count window cannot carry a rate rule.
  const window = o.window === undefined && store !== undefined ? STORE_WINDOW : resolveWindow(o.window);
  const hasRateRule = failureRateThreshold !== false || slowCallRateThreshold !== false;
  if (store !== undefined && hasRateRule && window.type === 'count') {
    throw new RangeError(
      'A rate rule over a count window cannot be shared through a store (`window` is ' +
        `\`${describe(o.window)}\`); use a time window such as { type: 'time', duration: 60_000, buckets: 10 }`,
    );
  }
  const windowCap = window.type === 'count' ? window.size : Number.POSITIVE_INFINITY;
  const minimumCalls =
    o.minimumCalls === undefined
      ? hasRateRule
        ? Math.min(DEFAULTS.rateMinimumCalls, windowCap)
        : 1
      : integer('minimumCalls', o.minimumCalls, 1);
  if (minimumCalls > windowCap) {
    throw new RangeError(
      `${expected('minimumCalls', `at most the count window's size (${windowCap})`, minimumCalls)}; ` +
        'raise `window.size` or lower `minimumCalls`',
    );
  }

  const timeout = o.timeout === undefined || o.timeout === false ? false : positive('timeout', o.timeout);
  const maxConcurrentCalls =
    o.maxConcurrentCalls === undefined || o.maxConcurrentCalls === false
      ? Number.POSITIVE_INFINITY
      : integer('maxConcurrentCalls', o.maxConcurrentCalls, 1);
  const latencySampling =
    o.latencySampling === undefined ? DEFAULTS.latencySampling : share('latencySampling', o.latencySampling);

  return Object.freeze({
    name,
    failureThreshold,
    failureRateThreshold,
    slowCallRateThreshold,
    slowCallDuration: duration('slowCallDuration', o.slowCallDuration, DEFAULTS.slowCallDuration),
    minimumCalls,
    window,
    resetTimeout: duration('resetTimeout', o.resetTimeout, DEFAULTS.resetTimeout),
    backoff: resolveBackoff(o.backoff),
    halfOpenMaxCalls:
      o.halfOpenMaxCalls === undefined
        ? DEFAULTS.halfOpenMaxCalls
        : integer('halfOpenMaxCalls', o.halfOpenMaxCalls, 1),
    successThreshold:
      o.successThreshold === undefined
        ? DEFAULTS.successThreshold
        : integer('successThreshold', o.successThreshold, 1),
    halfOpenTimeout:
      o.halfOpenTimeout === undefined
        ? DEFAULTS.halfOpenTimeout
        : positive('halfOpenTimeout', o.halfOpenTimeout),
    timeout,
    fallback: fn('fallback', o.fallback),
    fallbackOn: fn('fallbackOn', o.fallbackOn),
    isFailure: fn('isFailure', o.isFailure),
    exclude: errorClasses('exclude', o.exclude),
    include: errorClasses('include', o.include),
    isResultFailure: fn('isResultFailure', o.isResultFailure),
    maxConcurrentCalls,
    latencySampling,
    critical: bool('critical', o.critical),
    logger: withMethods<Logger>(
      'logger',
      o.logger,
      ['info', 'warn', 'error'],
      'an object with info(), warn() and error() (pino-compatible)',
    ),
    clock:
      withMethods<Clock>(
        'clock',
        o.clock,
        ['now', 'setTimeout', 'clearTimeout'],
        'an object with now(), setTimeout() and clearTimeout()',
      ) ?? systemClock,
    store,
    initialState: o.initialState === undefined ? undefined : validateSnapshot(o.initialState),
  });
}

function checkKeys(input: object): void {
  for (const key of Object.keys(input)) {
    if (KNOWN.has(key)) continue;
    const owner = BELONGS_ELSEWHERE[key];
    if (owner !== undefined) {
      throw new TypeError(`Unknown option \`${key}\`: it is an option of ${owner}, not of a breaker`);
    }
    const near = closestName(key, OPTION_KEYS);
    throw new TypeError(
      near === undefined
        ? `Unknown option \`${key}\`; the known options are ${OPTION_KEYS.map((k) => `\`${k}\``).join(', ')}`
        : `Unknown option \`${key}\`; did you mean \`${near}\`?`,
    );
  }
}

function resolveWindow(value: unknown): ResolvedOptions['window'] {
  if (value === undefined) return DEFAULT_WINDOW;
  if (typeof value !== 'object' || value === null) {
    throw new TypeError(
      expected('window', "{ type: 'count', size } or { type: 'time', duration, buckets }", value),
    );
  }
  const w = value as Record<string, unknown>;
  if (w.type === 'count') {
    nestedKeys('window', w, ['type', 'size']);
    return Object.freeze({
      type: 'count',
      size: w.size === undefined ? DEFAULTS.windowSize : integer('window.size', w.size, 1),
    });
  }
  if (w.type === 'time') {
    nestedKeys('window', w, ['type', 'duration', 'buckets']);
    const windowDuration =
      w.duration === undefined ? DEFAULTS.windowDuration : positive('window.duration', w.duration);
    const buckets =
      w.buckets === undefined ? DEFAULTS.windowBuckets : integer('window.buckets', w.buckets, 1);
    if (buckets > windowDuration) {
      throw new RangeError(
        expected('window.buckets', `at most window.duration (${windowDuration})`, buckets),
      );
    }
    return Object.freeze({ type: 'time', duration: windowDuration, buckets });
  }
  throw new TypeError(expected('window.type', '"count" or "time"', w.type));
}

function resolveBackoff(value: unknown): ResolvedOptions['backoff'] {
  if (value === undefined || value === false) return false;
  if (typeof value === 'function') return value as ResolvedOptions['backoff'];
  const b = (value === true ? {} : value) as Record<string, unknown>;
  if (typeof b !== 'object' || b === null) {
    throw new TypeError(
      expected('backoff', '{ multiplier, max, jitter }, a function (attempt) => ms, or a boolean', value),
    );
  }
  nestedKeys('backoff', b, ['multiplier', 'max', 'jitter']);
  const multiplier =
    b.multiplier === undefined
      ? DEFAULTS.backoffMultiplier
      : number('backoff.multiplier', b.multiplier, 'a number >= 1');
  if (!(multiplier >= 1 && multiplier < Number.POSITIVE_INFINITY)) {
    throw new RangeError(expected('backoff.multiplier', 'a number >= 1', multiplier));
  }
  const jitter =
    b.jitter === undefined
      ? DEFAULTS.backoffJitter
      : number('backoff.jitter', b.jitter, 'a number in [0, 1]');
  if (!(jitter >= 0 && jitter <= 1))
    throw new RangeError(expected('backoff.jitter', 'a number in [0, 1]', jitter));
  const resolved: Required<BackoffOptions> = {
    multiplier,
    max: b.max === undefined ? DEFAULTS.backoffMax : positive('backoff.max', b.max),
    jitter,
  };
  return Object.freeze(resolved);
}
