import { type Clock, systemClock } from '../clock/Clock.js';
import {
  type BackoffOptions,
  type CircuitBreakerOptions,
  DEFAULTS,
  type ErrorClass,
  type ResolvedOptions,
} from '../options.js';
import { validateSnapshot } from '../snapshot.js';
import { closestName } from './closestName.js';
import { expected } from './describe.js';

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
  const window = resolveWindow(o.window);
  const hasRateRule = failureRateThreshold !== false || slowCallRateThreshold !== false;
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
    o.latencySampling === undefined ? DEFAULTS.latencySampling : share(o.latencySampling);

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
    logger: resolveLogger(o.logger),
    clock: resolveClock(o.clock),
    store: resolveStore(o.store),
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

function number(option: string, value: unknown, form: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(expected(option, form, value));
  return value;
}

function integer(option: string, value: unknown, min: number): number {
  const form = `an integer >= ${min}`;
  const n = number(option, value, form);
  if (!Number.isInteger(n) || n < min) throw new RangeError(expected(option, form, value));
  return n;
}

function optionalInteger(option: string, value: unknown, min: number): number | false {
  if (value === undefined || value === false) return false;
  const form = `an integer >= ${min}, or false`;
  const n = number(option, value, form);
  if (!Number.isInteger(n) || n < min) throw new RangeError(expected(option, form, value));
  return n;
}

function rate(option: string, value: unknown): number | false {
  if (value === undefined || value === false) return false;
  const form = 'a number in (0, 1], or false';
  const n = number(option, value, form);
  if (!(n > 0 && n <= 1)) throw new RangeError(expected(option, form, value));
  return n;
}

function share(value: unknown): number {
  const form = 'a number in [0, 1]';
  const n = number('latencySampling', value, form);
  if (!(n >= 0 && n <= 1)) throw new RangeError(expected('latencySampling', form, value));
  return n;
}

function duration(option: string, value: unknown, fallback: number): number {
  if (value === undefined) return fallback;
  const form = 'a duration in ms >= 0';
  const n = number(option, value, form);
  if (!(n >= 0 && n < Number.POSITIVE_INFINITY)) throw new RangeError(expected(option, form, value));
  return n;
}

function positive(option: string, value: unknown): number {
  const form = 'a duration in ms > 0';
  const n = number(option, value, form);
  if (!(n > 0 && n < Number.POSITIVE_INFINITY)) throw new RangeError(expected(option, form, value));
  return n;
}

function bool(option: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TypeError(expected(option, 'a boolean', value));
  return value;
}

function fn<F>(option: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function')
    throw new TypeError(expected(option, 'a function', value));
  return value;
}

function errorClasses(option: string, value: unknown): readonly ErrorClass[] {
  if (value === undefined) return Object.freeze([]);
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'function')) {
    throw new TypeError(expected(option, 'an array of error classes such as [TypeError]', value));
  }
  return Object.freeze([...value]) as readonly ErrorClass[];
}

function resolveWindow(value: unknown): ResolvedOptions['window'] {
  if (value === undefined) return Object.freeze({ type: 'count', size: DEFAULTS.windowSize });
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

function nestedKeys(option: string, value: object, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const near = closestName(key, known);
    throw new TypeError(
      `Unknown option \`${option}.${key}\`${near === undefined ? `; expected one of ${known.join(', ')}` : `; did you mean \`${option}.${near}\`?`}`,
    );
  }
}

function resolveLogger(value: unknown): ResolvedOptions['logger'] {
  if (value === undefined) return undefined;
  const l = value as Record<string, unknown> | null;
  if (
    typeof l !== 'object' ||
    l === null ||
    ['info', 'warn', 'error'].some((m) => typeof l[m] !== 'function')
  ) {
    throw new TypeError(
      expected('logger', 'an object with info(), warn() and error() (pino-compatible)', value),
    );
  }
  return value as ResolvedOptions['logger'];
}

function resolveClock(value: unknown): Clock {
  if (value === undefined) return systemClock;
  const c = value as Record<string, unknown> | null;
  if (
    typeof c !== 'object' ||
    c === null ||
    ['now', 'setTimeout', 'clearTimeout'].some((m) => typeof c[m] !== 'function')
  ) {
    throw new TypeError(expected('clock', 'an object with now(), setTimeout() and clearTimeout()', value));
  }
  return value as Clock;
}

function resolveStore(value: unknown): ResolvedOptions['store'] {
  if (value === undefined) return undefined;
  const s = value as Record<string, unknown> | null;
  if (typeof s !== 'object' || s === null || typeof s.bind !== 'function') {
    throw new TypeError(expected('store', 'a StateStore with bind() and close()', value));
  }
  return value as ResolvedOptions['store'];
}
