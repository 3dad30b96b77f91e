const DAYS = '(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)';
const LONG_DAYS = '(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)';
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTH = `(${MONTHS.join('|')})`;
const TIME = '(\\d{2}):(\\d{2}):(\\d{2})';
/** `Sun, 06 Nov 1994 08:49:37 GMT`: the form servers send (RFC 9110's IMF-fixdate). */
const IMF_FIXDATE = new RegExp(`^${DAYS}, (\\d{2}) ${MONTH} (\\d{4}) ${TIME} GMT$`);
/** `Sunday, 06-Nov-94 08:49:37 GMT`: obsolete, still to be accepted. */
const RFC_850 = new RegExp(`^${LONG_DAYS}, (\\d{2})-${MONTH}-(\\d{2}) ${TIME} GMT$`);
/** `Sun Nov  6 08:49:37 1994`: C's asctime(), obsolete, still to be accepted (in UTC). */
const ASCTIME = new RegExp(`^${DAYS} ${MONTH} ( \\d|\\d{2}) ${TIME} (\\d{4})$`);
const SECONDS = /^\d+$/;

/**
 * @internal Parses an HTTP `Retry-After` value: delay-seconds (`120`) or an HTTP-date in any of the
 * three forms RFC 9110 asks recipients to accept, without `node:` modules or `Date.parse` (whose
 * accepted forms differ between engines, and which reads asctime as local time).
 * @param value - The header's value.
 * @param now - Epoch ms now, for a date.
 * @returns Ms to wait (0 for a date in the past), or `undefined` when the value is neither form.
 */
export function parseRetryAfter(value: string, now: number): number | undefined {
  const text = value.trim();
  if (SECONDS.test(text)) return Number(text) * 1000;
  const date = httpDate(text, now);
  return date === undefined ? undefined : Math.max(0, date - now);
}

/** Epoch ms of an HTTP-date, or `undefined`. */
function httpDate(text: string, now: number): number | undefined {
  let m = IMF_FIXDATE.exec(text);
  if (m !== null) return utc(Number(m[3]), m[2]!, m[1]!, m[4]!, m[5]!, m[6]!);
  m = RFC_850.exec(text);
  if (m !== null) {
    // A two-digit year more than 50 years ahead is the most recent past year with those digits.
    const thisYear = new Date(now).getUTCFullYear();
    let year = Math.floor(thisYear / 100) * 100 + Number(m[3]);
    if (year > thisYear + 50) year -= 100;
    return utc(year, m[2]!, m[1]!, m[4]!, m[5]!, m[6]!);
  }
  m = ASCTIME.exec(text);
  if (m !== null) return utc(Number(m[6]), m[1]!, m[2]!.trim(), m[3]!, m[4]!, m[5]!);
  return undefined;
}

function utc(
  year: number,
  month: string,
  day: string,
  h: string,
  min: string,
  s: string,
): number | undefined {
  const ms = Date.UTC(year, MONTHS.indexOf(month), Number(day), Number(h), Number(min), Number(s));
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * @internal The wait a failed attempt's error, or a result to retry, asks for, in ms: its own numeric
 * `retryAfter` (as `CircuitBreakerOpenError` has), or the `Retry-After` header of a `Response` (the
 * value itself, or its `response`, as HTTP clients' errors carry). Never throws, whatever the value.
 * @param value - The error or the result.
 * @param now - Epoch ms now, for a header holding a date.
 * @returns Ms, or `undefined` when it asks for nothing.
 */
export function retryAfterOf(value: unknown, now: () => number): number | undefined {
  if (!isObject(value)) return undefined;
  try {
    const own = (value as { retryAfter?: unknown }).retryAfter;
    if (typeof own === 'number' && own >= 0 && own < Number.POSITIVE_INFINITY) return own;
    const header = retryAfterHeader(value) ?? retryAfterHeader((value as { response?: unknown }).response);
    return header === undefined ? undefined : parseRetryAfter(header, now());
  } catch {
    // A hostile getter, or a clock that throws: no hint.
    return undefined;
  }
}

/** The `Retry-After` header of something shaped like a `Response` (`headers.get()`), or `undefined`. */
function retryAfterHeader(value: unknown): string | undefined {
  if (!isObject(value)) return undefined;
  const headers = (value as { headers?: unknown }).headers;
  if (!isObject(headers) || typeof (headers as { get?: unknown }).get !== 'function') return undefined;
  const header: unknown = (headers as { get(name: string): unknown }).get('retry-after');
  return typeof header === 'string' ? header : undefined;
}

function isObject(value: unknown): value is object {
  return (typeof value === 'object' || typeof value === 'function') && value !== null;
}
