import { resolveKeyedOptions } from '../cache/cacheOptions.js';
import { type Clock, systemClock } from '../clock/Clock.js';
import { guardClock } from '../clock/GuardedClock.js';
import {
  type BackoffOptions,
  type CircuitBreakerOptions,
  DEFAULTS,
  type Logger,
  type ResolvedOptions,
} from '../options.js';
import { validateSnapshot } from '../snapshot.js';
import type { StateStore } from '../store/StateStore.js';
import { closestName } from './closestName.js';
import { describe, expected } from './describe.js';
import { foreignHint } from './foreignNames.js';
import { guardRandom } from './guardRandom.js';
import {
  bool,
  boundedInteger,
  duration,
  errorClasses,
  fn,
  integer,
  MAX_WINDOW_BUCKETS,
  MAX_WINDOW_SIZE,
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
  'throttle',
  'probe',
  'latencySampling',
  'random',
  'critical',
  'logger',
  'clock',
  'store',
  'initialState',
  'cache',
  'coalesce',
];
const KNOWN: ReadonlySet<string> = new Set(OPTION_KEYS);
const BELONGS_ELSEWHERE: ReadonlyMap<string, string> = new Map([
  ['maxKeys', 'registry.keyed()'],
  ['idleTtl', 'registry.keyed()'],
  ['shared', 'registry.keyed()'],
  ['registry', '@protect()'],
]);

const DEFAULT_WINDOW: ResolvedOptions['window'] = Object.freeze({ type: 'count', size: DEFAULTS.windowSize });
const STORE_WINDOW: ResolvedOptions['window'] = Object.freeze({
  type: 'time',
  duration: DEFAULTS.windowDuration,
  buckets: DEFAULTS.windowBuckets,
});

let unnamed = 0;

/** @internal The default name of a breaker: `circuit-breaker-<n>`, unique in the process. */
export function defaultName(): string {
  return `circuit-breaker-${++unnamed}`;
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

  const name = o.name === undefined ? defaultName() : o.name;
  if (typeof name !== 'string' || name.length === 0)
    throw new TypeError(expected('name', 'a non-empty string', name));

  const givenThreshold = optionalInteger('failureThreshold', o.failureThreshold, 1);
  const failureRateThreshold = resolveRate(o.failureRateThreshold);
  const slowCallRateThreshold = rate('slowCallRateThreshold', o.slowCallRateThreshold);
  // With no rule active after merging, the consecutive rule applies, unless `failureThreshold: false`
  // itself was given: switching off an inherited rate rule must not leave a breaker that never trips.
  const anyRuleActive =
    givenThreshold !== false || failureRateThreshold !== false || slowCallRateThreshold !== false;
  const failureThreshold =
    anyRuleActive || o.failureThreshold === false ? givenThreshold : DEFAULTS.failureThreshold;
  const store = withMethods<StateStore>('store', o.store, ['bind'], 'a StateStore with bind() and close()');
  // Shared rate rules count the fleet's calls over time buckets: with a store the default window is
  // a time window, and an explicit count window cannot carry a rate rule.
  const window = o.window === undefined && store !== undefined ? STORE_WINDOW : resolveWindow(o.window);
  const hasRateRule = failureRateThreshold !== false || slowCallRateThreshold !== false;
  // The adaptive rule is a local decision: it may count over a count window with a store.
  const sharedRateRule = typeof failureRateThreshold === 'number' || slowCallRateThreshold !== false;
  if (store !== undefined && sharedRateRule && window.type === 'count') {
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

  const timeout =
    o.timeout === undefined || o.timeout === false ? false : positive('timeout', o.timeout, true);
  const maxConcurrentCalls =
    o.maxConcurrentCalls === undefined || o.maxConcurrentCalls === false
      ? Number.POSITIVE_INFINITY
      : integer('maxConcurrentCalls', o.maxConcurrentCalls, 1);
  const latencySampling =
    o.latencySampling === undefined ? DEFAULTS.latencySampling : share('latencySampling', o.latencySampling);
  const logger = withMethods<Logger>(
    'logger',
    o.logger,
    ['info', 'warn', 'error'],
    'an object with info(), warn() and error() (pino-compatible)',
  );
  // A user's clock and random source are read through guards (DESIGN section 11), made once here so
  // that the hot path pays nothing for the trusted defaults.
  const clock = withMethods<Clock>(
    'clock',
    o.clock,
    ['now', 'setTimeout', 'clearTimeout'],
    'an object with now(), setTimeout() and clearTimeout()',
  );
  const random = fn('random', o.random);
  const { cache, coalesce } = resolveKeyedOptions(o.cache, o.coalesce);

  return Object.freeze({
    name,
    failureThreshold,
    failureRateThreshold,
    slowCallRateThreshold,
    slowCallDuration: duration('slowCallDuration', o.slowCallDuration, DEFAULTS.slowCallDuration),
    minimumCalls,
    window,
    resetTimeout: duration('resetTimeout', o.resetTimeout, DEFAULTS.resetTimeout, true),
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
        : positive('halfOpenTimeout', o.halfOpenTimeout, true),
    timeout,
    fallback: fn('fallback', o.fallback),
    fallbackOn: fn('fallbackOn', o.fallbackOn),
    isFailure: fn('isFailure', o.isFailure),
    exclude: errorClasses('exclude', o.exclude),
    include: errorClasses('include', o.include),
    isResultFailure: fn('isResultFailure', o.isResultFailure),
    random: random === undefined ? Math.random : guardRandom(random, logger),
    maxConcurrentCalls,
    throttle: resolveThrottle(o.throttle),
    probe: fn('probe', o.probe),
    latencySampling,
    critical: bool('critical', o.critical),
    logger,
    clock: clock === undefined ? systemClock : guardClock(clock, logger),
    store,
    initialState: o.initialState === undefined ? undefined : validateSnapshot(o.initialState),
    cache,
    coalesce,
  });
}

function checkKeys(input: object): void {
  for (const key of Object.keys(input)) {
    if (KNOWN.has(key)) continue;
    const owner = BELONGS_ELSEWHERE.get(key);
    if (owner !== undefined) {
      throw new TypeError(`Unknown option \`${key}\`: it is an option of ${owner}, not of a breaker`);
    }
    const hint = foreignHint(key, (input as Record<string, unknown>)[key]);
    if (hint !== undefined) throw new TypeError(`Unknown option \`${key}\`; ${hint}`);
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
      size:
        w.size === undefined
          ? DEFAULTS.windowSize
          : boundedInteger(
              'window.size',
              w.size,
              1,
              MAX_WINDOW_SIZE,
              'a count window keeps a slot for each call it counts; for more calls use a time window',
            ),
    });
  }
  if (w.type === 'time') {
    nestedKeys('window', w, ['type', 'duration', 'buckets']);
    const windowDuration =
      w.duration === undefined ? DEFAULTS.windowDuration : positive('window.duration', w.duration);
    const buckets =
      w.buckets === undefined
        ? DEFAULTS.windowBuckets
        : boundedInteger(
            'window.buckets',
            w.buckets,
            1,
            MAX_WINDOW_BUCKETS,
            'each bucket holds counters of its own; a few dozen are plenty',
          );
    if (buckets > windowDuration) {
      throw new RangeError(
        expected('window.buckets', `at most window.duration (${windowDuration})`, buckets),
      );
    }
    return Object.freeze({ type: 'time', duration: windowDuration, buckets });
  }
  throw new TypeError(expected('window.type', '"count" or "time"', w.type));
}

function resolveRate(value: unknown): ResolvedOptions['failureRateThreshold'] {
  if (typeof value !== 'object' || value === null) {
    if (value === undefined || value === false || typeof value === 'number')
      return rate('failureRateThreshold', value);
    throw new TypeError(
      expected(
        'failureRateThreshold',
        'a number in (0, 1], false, or { adaptive: true, min, max, sensitivity }',
        value,
      ),
    );
  }
  const a = value as Record<string, unknown>;
  nestedKeys('failureRateThreshold', a, ['adaptive', 'min', 'max', 'sensitivity']);
  if (a.adaptive !== true) {
    throw new TypeError(
      expected('failureRateThreshold.adaptive', 'true (or give a number in (0, 1])', a.adaptive),
    );
  }
  const min = a.min === undefined ? DEFAULTS.adaptiveMin : shareAbove0('failureRateThreshold.min', a.min);
  const max = a.max === undefined ? DEFAULTS.adaptiveMax : shareAbove0('failureRateThreshold.max', a.max);
  if (min > max) {
    throw new RangeError(
      expected('failureRateThreshold.min', `at most failureRateThreshold.max (${max})`, min),
    );
  }
  // It divides the detector's threshold ln(10^8); the first version's sensitivity (standard
  // deviations, 4.5 by default) is out of range rather than silently read as far too eager.
  const sensitivityForm = 'a number in (0, 2] (it divides the detector threshold ln(10^8); 1 is the default)';
  const sensitivity =
    a.sensitivity === undefined
      ? DEFAULTS.adaptiveSensitivity
      : number('failureRateThreshold.sensitivity', a.sensitivity, sensitivityForm);
  if (!(sensitivity > 0 && sensitivity <= 2)) {
    throw new RangeError(expected('failureRateThreshold.sensitivity', sensitivityForm, sensitivity));
  }
  return Object.freeze({ adaptive: true, min, max, sensitivity });
}

function shareAbove0(option: string, value: unknown): number {
  const form = 'a number in (0, 1]';
  const n = number(option, value, form);
  if (!(n > 0 && n <= 1)) throw new RangeError(expected(option, form, value));
  return n;
}

function resolveThrottle(value: unknown): ResolvedOptions['throttle'] {
  if (value === undefined || value === false) return false;
  const t = (value === true ? {} : value) as Record<string, unknown>;
  if (typeof t !== 'object' || t === null) {
    throw new TypeError(expected('throttle', '{ k, duration, maxRejection }, or a boolean', value));
  }
  nestedKeys('throttle', t, ['k', 'duration', 'maxRejection']);
  const k = t.k === undefined ? DEFAULTS.throttleK : number('throttle.k', t.k, 'a number >= 1');
  if (!(k >= 1 && k < Number.POSITIVE_INFINITY))
    throw new RangeError(expected('throttle.k', 'a number >= 1', k));
  return Object.freeze({
    k,
    duration:
      t.duration === undefined ? DEFAULTS.throttleDuration : positive('throttle.duration', t.duration),
    maxRejection:
      t.maxRejection === undefined
        ? DEFAULTS.throttleMaxRejection
        : share('throttle.maxRejection', t.maxRejection),
  });
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
    max: b.max === undefined ? DEFAULTS.backoffMax : positive('backoff.max', b.max, true),
    jitter,
  };
  return Object.freeze(resolved);
}
