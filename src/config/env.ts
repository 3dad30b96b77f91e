import { editDistance } from '../options/closestName.js';
import { describe, expected } from '../options/describe.js';
import { resolveOptions } from '../options/resolveOptions.js';
import type {
  AdaptiveThresholdOptions,
  BackoffOptions,
  CircuitBreakerOptions,
  ThrottleOptions,
} from '../options.js';
import { NAMES, type Target, WORD_COUNTS } from './envNames.js';
import { type EnvValue, parseValue } from './envValues.js';

/** Environment variables: `process.env` or any map of names to string values. */
export type Environment = Readonly<Record<string, string | undefined>>;

/** Options of `CircuitBreaker.fromEnv`. */
export interface FromEnvOptions {
  /** The variables' prefix, with or without its trailing `_`. @default `CB_<NAME_IN_UPPER_SNAKE>_` */
  prefix?: string;
  /** Where to read the variables. @default process.env (none outside Node) */
  env?: Environment;
}

interface Found {
  readonly variable: string;
  readonly raw: string;
  readonly value: EnvValue;
}

/**
 * Reads breaker options from environment variables named `<prefix><OPTION_IN_UPPER_SNAKE>`:
 * `CB_PAYMENTS_FAILURE_THRESHOLD=3`, `CB_PAYMENTS_RESET_TIMEOUT=30s`, `CB_PAYMENTS_TIMEOUT=off`, the
 * nested `WINDOW_TYPE` / `WINDOW_SIZE` / `WINDOW_DURATION` / `WINDOW_BUCKETS` and `BACKOFF_MULTIPLIER` /
 * `BACKOFF_MAX` / `BACKOFF_JITTER`, and the legacy names `RECOVERY_TIMEOUT_SECONDS`,
 * `MINIMUM_REQUEST_THRESHOLD`, `REQUEST_TIMEOUT_SECONDS`, `EXPONENTIAL_BACKOFF`, `MAX_BACKOFF_SECONDS`
 * and `SLOW_CALL_THRESHOLD_MS`.
 *
 * Values: durations as `30s`, `500ms`, `2m`, `1h` or milliseconds (`*_SECONDS` and `*_MS` names take
 * plain numbers in that unit); booleans `true/false/1/0/yes/no`; `off` switches a rule off
 * (`FAILURE_THRESHOLD`, `FAILURE_RATE_THRESHOLD`, `SLOW_CALL_RATE_THRESHOLD`, `TIMEOUT`,
 * `MAX_CONCURRENT_CALLS`, `BACKOFF`). Empty values count as unset. Unknown names under the prefix are
 * ignored (they may belong to a breaker whose name extends this one: `CB_API_REST_TIMEOUT` under
 * `CB_API_`), except near misses of a known name, which are errors. Only known options are ever set.
 *
 * @param prefix - Such as `CB_PAYMENTS_` (the trailing `_` may be left out).
 * @param env - The variables. @default process.env (none outside Node)
 * @returns The options found: only those set, ready to spread under or over your own.
 * @throws TypeError or RangeError naming the variable, its value and what is expected: for a bad
 * value, an alias set together with its canonical name, `EXPONENTIAL_BACKOFF=false` together with a
 * backoff setting, window settings of both kinds, or a near miss such as `CB_PAYMENTS_FAILURE_TRESHOLD`.
 * @example
 * ```ts
 * // CB_PAYMENTS_FAILURE_THRESHOLD=3 CB_PAYMENTS_RECOVERY_TIMEOUT_SECONDS=30
 * const breaker = new CircuitBreaker({ name: 'payments', ...optionsFromEnv('CB_PAYMENTS') });
 * ```
 */
export function optionsFromEnv(prefix: string, env: Environment = processEnv()): CircuitBreakerOptions {
  if (typeof prefix !== 'string' || prefix.replace(/_+$/, '').length === 0) {
    throw new TypeError(expected('prefix', 'a non-empty string such as "CB_PAYMENTS_"', prefix));
  }
  if (typeof env !== 'object' || env === null) {
    throw new TypeError(expected('env', 'an object of environment variables', env));
  }
  const head = prefix.endsWith('_') ? prefix : `${prefix}_`;
  const found = new Map<string, Found>();
  for (const variable of Object.keys(env)) {
    if (!variable.startsWith(head)) continue;
    const raw: unknown = env[variable];
    if (raw === undefined) continue;
    if (typeof raw !== 'string') throw new TypeError(expected(variable, 'a string', raw));
    if (raw.trim() === '') continue;
    const rest = variable.slice(head.length);
    const spec = NAMES.get(rest);
    if (spec === undefined) {
      checkNearMiss(head, rest, variable, raw);
      continue;
    }
    found.set(rest, { variable, raw, value: parseValue(variable, raw, spec.kind) });
  }
  for (const [name, spec] of NAMES) {
    const canonical = spec.aliasOf === undefined ? undefined : found.get(spec.aliasOf);
    const alias = found.get(name);
    if (canonical !== undefined && alias !== undefined) {
      throw new TypeError(
        `Both \`${canonical.variable}\` (${show(canonical.raw)}) and its legacy alias \`${alias.variable}\` ` +
          `(${show(alias.raw)}) are set; expected only one of them`,
      );
    }
  }
  const options = build(found);
  checkTogether(options, found);
  return options;
}

/**
 * Validates what the variables give as a whole (`MINIMUM_CALLS` above the count window's size, say),
 * so that the error names the variables, not only the option they set.
 */
function checkTogether(options: CircuitBreakerOptions, found: ReadonlyMap<string, Found>): void {
  try {
    resolveOptions({ ...options, name: 'env' });
  } catch (error) {
    if (!(error instanceof TypeError || error instanceof RangeError)) throw error;
    const option = /`([\w.]+)`/.exec(error.message)?.[1];
    // A nested option (`window.buckets`) may fail for a sibling's value (`WINDOW_DURATION=0.5` below
    // the default 10 buckets): the variables of its parent are involved too.
    const parent = option?.split('.')[0];
    const involved: Found[] = [];
    for (const [name, entry] of found) {
      const target = NAMES.get(name)?.target;
      if (
        target !== undefined &&
        parent !== undefined &&
        (target === parent || target.startsWith(`${parent}.`))
      )
        involved.push(entry);
    }
    if (involved.length === 0) throw error;
    const named = involved.map((entry) => `\`${entry.variable}\` (${show(entry.raw)})`).join(', ');
    const Kind = error instanceof RangeError ? RangeError : TypeError;
    throw new Kind(`${named}: ${error.message}`);
  }
}

/**
 * @internal The options of `CircuitBreaker.fromEnv(name, { prefix, env })`: the environment's, named.
 */
export function breakerOptionsFromEnv(name: string, options: FromEnvOptions = {}): CircuitBreakerOptions {
  if (typeof name !== 'string' || name.length === 0) {
    throw new TypeError(expected('name', 'a non-empty string', name));
  }
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(expected('options', 'an object { prefix?, env? }', options));
  }
  const prefix = options.prefix ?? envPrefix(name);
  return { ...optionsFromEnv(prefix, options.env ?? processEnv()), name };
}

/**
 * @internal The default prefix of a breaker's variables: `CB_<NAME_IN_UPPER_SNAKE>_`
 * (`payment-api` → `CB_PAYMENT_API_`, `emailService` → `CB_EMAIL_SERVICE_`).
 */
export function envPrefix(name: string): string {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .toUpperCase();
  return `CB_${snake}_`;
}

/** `process.env` where there is one, read without importing `node:` modules. */
function processEnv(): Environment {
  const process = (globalThis as { process?: { env?: Environment } }).process;
  return process?.env ?? {};
}

/**
 * A near miss: as many `_`-words as a known name, within edit distance 2 of it, and no word-suffix that
 * is itself a known name (such a remainder belongs to a breaker whose name extends the prefix).
 */
function checkNearMiss(head: string, rest: string, variable: string, raw: string): void {
  const words = rest.split('_');
  for (let i = 1; i < words.length; i++) {
    if (NAMES.has(words.slice(i).join('_'))) return;
  }
  let best: string | undefined;
  let bestDistance = 3;
  for (const [known, count] of WORD_COUNTS) {
    if (count !== words.length) continue;
    const distance = editDistance(rest, known, bestDistance - 1);
    if (distance < bestDistance) {
      best = known;
      bestDistance = distance;
    }
  }
  if (best !== undefined) {
    throw new TypeError(
      `Unknown variable \`${variable}\` (set to ${show(raw)}); expected a known name: did you mean \`${head}${best}\`?`,
    );
  }
}

function show(raw: string): string {
  return `\`${describe(raw)}\``;
}

function build(found: ReadonlyMap<string, Found>): CircuitBreakerOptions {
  const options: CircuitBreakerOptions = {};
  const get = (target: Target): Found | undefined => {
    for (const [name, spec] of NAMES) if (spec.target === target && found.has(name)) return found.get(name);
    return undefined;
  };
  const num = (target: Target): number | undefined => get(target)?.value as number | undefined;
  const numOrOff = (target: Target): number | false | undefined =>
    get(target)?.value as number | false | undefined;

  const failureThreshold = numOrOff('failureThreshold');
  if (failureThreshold !== undefined) options.failureThreshold = failureThreshold;
  const failureRateThreshold = buildRate(get);
  if (failureRateThreshold !== undefined) options.failureRateThreshold = failureRateThreshold;
  const slowCallRateThreshold = numOrOff('slowCallRateThreshold');
  if (slowCallRateThreshold !== undefined) options.slowCallRateThreshold = slowCallRateThreshold;
  const slowCallDuration = num('slowCallDuration');
  if (slowCallDuration !== undefined) options.slowCallDuration = slowCallDuration;
  const minimumCalls = num('minimumCalls');
  if (minimumCalls !== undefined) options.minimumCalls = minimumCalls;
  const resetTimeout = num('resetTimeout');
  if (resetTimeout !== undefined) options.resetTimeout = resetTimeout;
  const halfOpenMaxCalls = num('halfOpenMaxCalls');
  if (halfOpenMaxCalls !== undefined) options.halfOpenMaxCalls = halfOpenMaxCalls;
  const successThreshold = num('successThreshold');
  if (successThreshold !== undefined) options.successThreshold = successThreshold;
  const halfOpenTimeout = num('halfOpenTimeout');
  if (halfOpenTimeout !== undefined) options.halfOpenTimeout = halfOpenTimeout;
  const timeout = numOrOff('timeout');
  if (timeout !== undefined) options.timeout = timeout;
  const maxConcurrentCalls = numOrOff('maxConcurrentCalls');
  if (maxConcurrentCalls !== undefined) options.maxConcurrentCalls = maxConcurrentCalls;
  const latencySampling = num('latencySampling');
  if (latencySampling !== undefined) options.latencySampling = latencySampling;
  const critical = get('critical');
  if (critical !== undefined) options.critical = critical.value as boolean;

  const window = buildWindow(get);
  if (window !== undefined) options.window = window;
  const backoff = buildBackoff(get);
  if (backoff !== undefined) options.backoff = backoff;
  const throttle = buildThrottle(get);
  if (throttle !== undefined) options.throttle = throttle;
  return options;
}

type Lookup = (target: Target) => Found | undefined;

function buildWindow(get: Lookup): CircuitBreakerOptions['window'] {
  const type = get('window.type');
  const size = get('window.size');
  const duration = get('window.duration');
  const buckets = get('window.buckets');
  const timed = duration ?? buckets;
  if (size !== undefined && timed !== undefined) {
    throw new TypeError(
      `\`${size.variable}\` (a count window) and \`${timed.variable}\` (a time window) are both set; ` +
        'expected the settings of one window type',
    );
  }
  const kind = type?.value ?? (size !== undefined ? 'count' : timed !== undefined ? 'time' : undefined);
  if (kind === undefined) return undefined;
  const other = kind === 'count' ? timed : size;
  if (type !== undefined && other !== undefined) {
    throw new TypeError(
      `\`${other.variable}\` does not apply to a ${kind} window (\`${type.variable}\` is ${show(type.raw)}); ` +
        `expected ${kind === 'count' ? 'WINDOW_SIZE' : 'WINDOW_DURATION or WINDOW_BUCKETS'}`,
    );
  }
  if (kind === 'count')
    return size === undefined ? { type: 'count' } : { type: 'count', size: size.value as number };
  const window: { type: 'time'; duration?: number; buckets?: number } = { type: 'time' };
  if (duration !== undefined) window.duration = duration.value as number;
  if (buckets !== undefined) window.buckets = buckets.value as number;
  return window;
}

/** `FAILURE_RATE_THRESHOLD` (a share, `off` or `adaptive`); any `ADAPTIVE_*` setting means adaptive. */
function buildRate(get: Lookup): CircuitBreakerOptions['failureRateThreshold'] {
  const rate = get('failureRateThreshold');
  const min = get('failureRateThreshold.min');
  const max = get('failureRateThreshold.max');
  const sensitivity = get('failureRateThreshold.sensitivity');
  const setting = min ?? max ?? sensitivity;
  if (setting === undefined) {
    if (rate === undefined) return undefined;
    return rate.value === 'adaptive' ? { adaptive: true } : (rate.value as number | false);
  }
  if (rate !== undefined && rate.value !== 'adaptive') {
    throw new TypeError(
      `\`${rate.variable}\` is ${show(rate.raw)} but \`${setting.variable}\` is set; ` +
        `expected \`${rate.variable}\` to be \`adaptive\` or unset when configuring the adaptive threshold`,
    );
  }
  const adaptive: AdaptiveThresholdOptions = { adaptive: true };
  if (min !== undefined) adaptive.min = min.value as number;
  if (max !== undefined) adaptive.max = max.value as number;
  if (sensitivity !== undefined) adaptive.sensitivity = sensitivity.value as number;
  return adaptive;
}

/** `THROTTLE` (a boolean); any `THROTTLE_*` setting turns it on, and `THROTTLE=false` with one is an error. */
function buildThrottle(get: Lookup): CircuitBreakerOptions['throttle'] {
  const flag = get('throttle');
  const k = get('throttle.k');
  const duration = get('throttle.duration');
  const maxRejection = get('throttle.maxRejection');
  const setting = k ?? duration ?? maxRejection;
  if (setting === undefined) return flag === undefined ? undefined : (flag.value as boolean);
  if (flag !== undefined && flag.value === false) {
    throw new TypeError(
      `\`${flag.variable}\` is ${show(flag.raw)} but \`${setting.variable}\` is set; ` +
        `expected \`${flag.variable}\` to be true or unset when configuring the throttle`,
    );
  }
  const throttle: ThrottleOptions = {};
  if (k !== undefined) throttle.k = k.value as number;
  if (duration !== undefined) throttle.duration = duration.value as number;
  if (maxRejection !== undefined) throttle.maxRejection = maxRejection.value as number;
  return throttle;
}

function buildBackoff(get: Lookup): CircuitBreakerOptions['backoff'] {
  const flag = get('backoff');
  const multiplier = get('backoff.multiplier');
  const max = get('backoff.max');
  const jitter = get('backoff.jitter');
  const setting = multiplier ?? max ?? jitter;
  if (setting === undefined) return flag === undefined ? undefined : (flag.value as boolean);
  if (flag !== undefined && flag.value === false) {
    throw new TypeError(
      `\`${flag.variable}\` is ${show(flag.raw)} but \`${setting.variable}\` is set; ` +
        `expected \`${flag.variable}\` to be true or unset when configuring the backoff`,
    );
  }
  const backoff: BackoffOptions = {};
  if (multiplier !== undefined) backoff.multiplier = multiplier.value as number;
  if (max !== undefined) backoff.max = max.value as number;
  if (jitter !== undefined) backoff.jitter = jitter.value as number;
  return backoff;
}
