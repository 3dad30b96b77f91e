import type { ErrorClass } from '../options.js';
import { closestName } from './closestName.js';
import { expected } from './describe.js';
import { percentHint } from './foreignNames.js';

// @internal Validators for options: each returns the value or throws TypeError (wrong type) or
// RangeError (out of range) with the standard message naming the option, the form and the value.

/** A number that is not NaN. */
export function number(option: string, value: unknown, form: string): number {
  if (typeof value !== 'number' || Number.isNaN(value)) throw new TypeError(expected(option, form, value));
  return value;
}

/** An integer >= `min`. */
export function integer(option: string, value: unknown, min: number): number {
  const form = `an integer >= ${min}`;
  const n = number(option, value, form);
  if (!Number.isInteger(n) || n < min) throw new RangeError(expected(option, form, value));
  return n;
}

/** An integer >= `min`, or `false` (undefined reads as false). */
export function optionalInteger(option: string, value: unknown, min: number): number | false {
  if (value === undefined || value === false) return false;
  const form = `an integer >= ${min}, or false`;
  const n = number(option, value, form);
  if (!Number.isInteger(n) || n < min) throw new RangeError(expected(option, form, value));
  return n;
}

/** A share in (0, 1], or `false` (undefined reads as false). */
export function rate(option: string, value: unknown): number | false {
  if (value === undefined || value === false) return false;
  const form = 'a number in (0, 1], or false';
  const n = number(option, value, form);
  if (!(n > 0 && n <= 1)) throw new RangeError(expected(option, form, value) + percentHint(n));
  return n;
}

/** A share in [0, 1]. */
export function share(option: string, value: unknown): number {
  const form = 'a number in [0, 1]';
  const n = number(option, value, form);
  if (!(n >= 0 && n <= 1)) throw new RangeError(expected(option, form, value));
  return n;
}

/** The longest a JavaScript timer can wait: 2^31-1 ms (~24.8 days). Longer fires after 1 ms in Node. */
export const MAX_TIMER_MS = 2_147_483_647;

/** The form of a duration too long for a timer, for messages. */
export const TIMER_LIMIT = `at most ${MAX_TIMER_MS} ms (~24.8 days, the longest a timer can wait)`;

/**
 * @internal The error for a duration a timer waits for that is longer than {@link MAX_TIMER_MS}, or
 * `undefined` when it is not.
 */
export function tooLongForTimer(option: string, value: number): RangeError | undefined {
  if (!(value > MAX_TIMER_MS)) return undefined;
  return new RangeError(expected(option, TIMER_LIMIT, value));
}

/**
 * A finite duration in ms >= 0, or `fallback` when undefined. With `timer`, one a timer waits for:
 * at most {@link MAX_TIMER_MS}.
 */
export function duration(option: string, value: unknown, fallback: number, timer = false): number {
  if (value === undefined) return fallback;
  const form = 'a duration in ms >= 0';
  const n = number(option, value, form);
  if (timer) {
    const tooLong = tooLongForTimer(option, n);
    if (tooLong !== undefined) throw tooLong;
  }
  if (!(n >= 0 && n < Number.POSITIVE_INFINITY)) throw new RangeError(expected(option, form, value));
  return n;
}

/** A finite duration in ms > 0; with `timer`, at most {@link MAX_TIMER_MS}. */
export function positive(option: string, value: unknown, timer = false): number {
  const form = 'a duration in ms > 0';
  const n = number(option, value, form);
  if (timer) {
    const tooLong = tooLongForTimer(option, n);
    if (tooLong !== undefined) throw tooLong;
  }
  if (!(n > 0 && n < Number.POSITIVE_INFINITY)) throw new RangeError(expected(option, form, value));
  return n;
}

/** A boolean; undefined reads as false. */
export function bool(option: string, value: unknown): boolean {
  if (value === undefined) return false;
  if (typeof value !== 'boolean') throw new TypeError(expected(option, 'a boolean', value));
  return value;
}

/** A function, or undefined. */
export function fn<F>(option: string, value: F | undefined): F | undefined {
  if (value !== undefined && typeof value !== 'function')
    throw new TypeError(expected(option, 'a function', value));
  return value;
}

const NO_CLASSES: readonly ErrorClass[] = Object.freeze([]);

/** An array of error classes, copied and frozen (one shared empty array when absent). */
export function errorClasses(option: string, value: unknown): readonly ErrorClass[] {
  if (value === undefined) return NO_CLASSES;
  if (!Array.isArray(value) || value.some((item) => typeof item !== 'function')) {
    throw new TypeError(expected(option, 'an array of error classes such as [TypeError]', value));
  }
  return value.length === 0 ? NO_CLASSES : (Object.freeze([...value]) as readonly ErrorClass[]);
}

/** An object with every one of `methods`, or undefined. */
export function withMethods<T>(
  option: string,
  value: unknown,
  methods: readonly string[],
  form: string,
): T | undefined {
  if (value === undefined) return undefined;
  const o = value as Record<string, unknown> | null;
  if (typeof o !== 'object' || o === null || methods.some((m) => typeof o[m] !== 'function')) {
    throw new TypeError(expected(option, form, value));
  }
  return value as T;
}

/** Refuses keys of a nested option outside `known`, naming the closest one. */
export function nestedKeys(option: string, value: object, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (known.includes(key)) continue;
    const near = closestName(key, known);
    throw new TypeError(
      `Unknown option \`${option}.${key}\`${near === undefined ? `; expected one of ${known.join(', ')}` : `; did you mean \`${option}.${near}\`?`}`,
    );
  }
}

/** The largest count window (`window.size`): its ring of outcomes is allocated with the window. */
export const MAX_WINDOW_SIZE = 1_000_000;

/** The most slices of a time window (`window.buckets`): three counters each, allocated with the window. */
export const MAX_WINDOW_BUCKETS = 10_000;

/**
 * An integer from `min` to `max`: a size that allocates in proportion to itself. Past `max`, a
 * RangeError naming the option, the bound and `why`.
 */
export function boundedInteger(
  option: string,
  value: unknown,
  min: number,
  max: number,
  why: string,
): number {
  const n = integer(option, value, min);
  if (n > max) throw new RangeError(`${expected(option, `an integer from ${min} to ${max}`, value)}; ${why}`);
  return n;
}
