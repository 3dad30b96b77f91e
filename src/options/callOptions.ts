import type { CallOptions, Fallback } from '../options.js';
import type { PermitOptions } from '../Permit.js';
import { closestName } from './closestName.js';
import { expected } from './describe.js';
import { MAX_TIMER_MS, TIMER_LIMIT } from './validate.js';

const CALL_KEYS: readonly string[] = ['signal', 'timeout', 'fallback', 'key'];
const PERMIT_KEYS: readonly string[] = ['timeout'];

/**
 * @internal The per-call options {@link checkCallOptions} last found valid, each read once: the call
 * uses these, never a second read of a getter that may answer differently. Read right after it.
 */
export const checkedCall: {
  signal: AbortSignal | undefined;
  timeout: number | false | undefined;
  fallback: Fallback<unknown> | undefined;
  key: string | undefined;
} = { signal: undefined, timeout: undefined, fallback: undefined, key: undefined };

/**
 * @internal What is wrong with per-call options, or `undefined` (a call rejects; it never throws),
 * leaving the valid ones in {@link checkedCall}. A signal must be an `AbortSignal` (or one from
 * another realm): `aborted`, `reason`, `addEventListener` and `removeEventListener`. Reading the
 * options may throw (a getter, a revoked Proxy): the caller catches.
 */
export function checkCallOptions(options: CallOptions<unknown> | undefined): string | undefined {
  checkedCall.signal = checkedCall.timeout = checkedCall.fallback = checkedCall.key = undefined;
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) return expected('options', 'an object', options);
  const unknown = unknownKey('options', options, CALL_KEYS);
  if (unknown !== undefined) return unknown;
  const { signal, timeout, fallback, key } = options;
  if (signal !== undefined && !isAbortSignal(signal)) {
    return expected('options.signal', 'an AbortSignal', signal);
  }
  if (timeout !== undefined && timeout !== false && !isTimerDuration(timeout)) {
    return typeof timeout === 'number' && timeout > MAX_TIMER_MS
      ? expected('options.timeout', `${TIMER_LIMIT}, or false`, timeout)
      : expected('options.timeout', 'a duration in ms > 0, or false', timeout);
  }
  if (fallback !== undefined && typeof fallback !== 'function') {
    return expected('options.fallback', 'a function', fallback);
  }
  if (key !== undefined && typeof key !== 'string') return expected('options.key', 'a string', key);
  checkedCall.signal = signal;
  checkedCall.timeout = timeout;
  checkedCall.fallback = fallback;
  checkedCall.key = key;
  return undefined;
}

/**
 * @internal A permit's timeout, or `undefined`.
 * @throws TypeError for an unknown key (naming the closest) or options that are not an object;
 * RangeError for a timeout that is not a duration a timer can wait.
 */
export function permitTimeout(options: PermitOptions | undefined): number | undefined {
  if (options === undefined) return undefined;
  if (typeof options !== 'object' || options === null) {
    throw new TypeError(expected('options', 'an object { timeout? }', options));
  }
  const unknown = unknownKey('options', options, PERMIT_KEYS);
  if (unknown !== undefined) throw new TypeError(unknown);
  const timeout = options.timeout;
  if (timeout === undefined) return undefined;
  if (!isTimerDuration(timeout)) {
    const form = typeof timeout === 'number' && timeout > MAX_TIMER_MS ? TIMER_LIMIT : 'a duration in ms > 0';
    throw new RangeError(expected('options.timeout', form, timeout));
  }
  return timeout;
}

/**
 * @internal A duration a timer can wait for, in ms >= 0 (`open(ms)`).
 * @throws RangeError otherwise.
 */
export function checkDuration(name: string, value: unknown): number {
  if (!(typeof value === 'number' && value >= 0 && value <= MAX_TIMER_MS)) {
    const form = typeof value === 'number' && value > MAX_TIMER_MS ? TIMER_LIMIT : 'a duration in ms >= 0';
    throw new RangeError(expected(name, form, value));
  }
  return value;
}

function isTimerDuration(value: unknown): value is number {
  return typeof value === 'number' && value > 0 && value <= MAX_TIMER_MS;
}

function isAbortSignal(value: unknown): value is AbortSignal {
  if (typeof value !== 'object' || value === null) return false;
  const signal = value as Partial<Record<keyof AbortSignal, unknown>>;
  return (
    typeof signal.aborted === 'boolean' &&
    typeof signal.addEventListener === 'function' &&
    typeof signal.removeEventListener === 'function'
  );
}

/** The message for the first key of `options` outside `known`, naming the closest known one. */
function unknownKey(option: string, options: object, known: readonly string[]): string | undefined {
  for (const key of Object.keys(options)) {
    if (known.includes(key)) continue;
    const near = closestName(key, known);
    return `Unknown option \`${option}.${key}\`; ${near === undefined ? `expected ${known.map((k) => `\`${k}\``).join(', ')}` : `did you mean \`${near}\`?`}`;
  }
  return undefined;
}
