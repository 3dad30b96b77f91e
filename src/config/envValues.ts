import { expected } from '../options/describe.js';
import { percentHint } from '../options/foreignNames.js';
import { MAX_TIMER_MS, TIMER_LIMIT } from '../options/validate.js';

/** @internal How a variable's value is read. */
export type ValueKind =
  | { readonly type: 'integer'; readonly off: boolean }
  | { readonly type: 'rate'; readonly off: boolean; readonly adaptive?: true }
  | { readonly type: 'positive' }
  | { readonly type: 'share' }
  | { readonly type: 'multiplier' }
  | { readonly type: 'duration'; readonly min: 0 | 'positive'; readonly off: boolean; readonly timer?: true }
  | { readonly type: 'seconds'; readonly min: 0 | 'positive'; readonly off: boolean; readonly timer?: true }
  | { readonly type: 'ms' }
  | { readonly type: 'boolean'; readonly off: boolean }
  | { readonly type: 'windowType' };

/** @internal A parsed value: a number, a boolean, `false` for `off`, a window type, or `adaptive`. */
export type EnvValue = number | boolean | 'count' | 'time' | 'adaptive';

const DECIMAL = /^(?:\d+(?:\.\d+)?|\.\d+)$/;
const DURATION = /^(\d+(?:\.\d+)?|\.\d+)\s*(ms|s|m|h)?$/i;
const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };
const TRUE = new Set(['true', '1', 'yes']);
const FALSE = new Set(['false', '0', 'no']);

/**
 * @internal Parses `raw`, the value of `variable`.
 * @throws TypeError for a value of the wrong form, RangeError for one out of range, each naming the
 * variable, what is expected and the value.
 */
export function parseValue(variable: string, raw: string, kind: ValueKind): EnvValue {
  const value = raw.trim();
  const lower = value.toLowerCase();
  const off = 'off' in kind && kind.off;
  if (off && lower === 'off') return false;
  const orOff = off ? ', or `off`' : '';
  switch (kind.type) {
    case 'integer': {
      const form = `an integer >= 1${orOff}`;
      if (!/^\d+$/.test(value)) throw new TypeError(expected(variable, form, raw));
      const n = Number(value);
      if (!(n >= 1 && Number.isSafeInteger(n))) throw new RangeError(expected(variable, form, raw));
      return n;
    }
    case 'rate': {
      if (kind.adaptive === true && lower === 'adaptive') return 'adaptive';
      const form = `a number in (0, 1]${kind.adaptive === true ? ', `adaptive`' : ''}${orOff}`;
      return decimal(variable, raw, value, form, (n) => n > 0 && n <= 1, percentHint);
    }
    case 'positive':
      return decimal(variable, raw, value, 'a number > 0', (n) => n > 0 && n < Number.POSITIVE_INFINITY);
    case 'share':
      return decimal(variable, raw, value, 'a number in [0, 1]', (n) => n <= 1);
    case 'multiplier':
      return decimal(variable, raw, value, 'a number >= 1', (n) => n >= 1 && n < Number.POSITIVE_INFINITY);
    case 'seconds': {
      const form = `a number of seconds ${kind.min === 0 ? '>= 0' : '> 0'}${orOff}`;
      const n = decimal(variable, raw, value, form, (s) => (kind.min === 0 ? s >= 0 : s > 0) && s < 1e12);
      return timerCheck(variable, raw, n * 1000, kind.timer === true);
    }
    case 'ms':
      return decimal(variable, raw, value, 'a number of milliseconds >= 0', (n) => n < 1e15);
    case 'duration': {
      const floor = kind.min === 0 ? '>= 0' : '> 0';
      const form = `a duration ${floor} such as \`30s\`, \`500ms\`, \`2m\` or milliseconds${orOff}`;
      const match = DURATION.exec(value);
      if (match === null) throw new TypeError(expected(variable, form, raw));
      const unit = (match[2] ?? 'ms').toLowerCase();
      const ms = Number(match[1]) * UNIT_MS[unit]!;
      if (!(kind.min === 0 ? ms >= 0 : ms > 0) || !(ms < 1e15)) {
        throw new RangeError(expected(variable, form, raw));
      }
      return timerCheck(variable, raw, ms, kind.timer === true);
    }
    case 'boolean': {
      if (TRUE.has(lower)) return true;
      if (FALSE.has(lower)) return false;
      throw new TypeError(
        expected(variable, `a boolean (true, false, 1, 0, yes or no${off ? ', or off' : ''})`, raw),
      );
    }
    case 'windowType': {
      if (lower === 'count' || lower === 'time') return lower;
      throw new TypeError(expected(variable, '`count` or `time`', raw));
    }
  }
}

/** A duration a timer waits for is at most 2^31-1 ms: longer would fire at once. */
function timerCheck(variable: string, raw: string, ms: number, timer: boolean): number {
  if (timer && ms > MAX_TIMER_MS) {
    throw new RangeError(expected(variable, `${TIMER_LIMIT}`, raw));
  }
  return ms;
}

function decimal(
  variable: string,
  raw: string,
  value: string,
  form: string,
  inRange: (n: number) => boolean,
  hint: (n: number) => string = () => '',
): number {
  if (!DECIMAL.test(value)) throw new TypeError(expected(variable, form, raw));
  const n = Number(value);
  if (!inRange(n)) throw new RangeError(expected(variable, form, raw) + hint(n));
  return n;
}
