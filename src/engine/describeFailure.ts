/** @internal What `lastError` reads for a value of which nothing can be printed (a revoked Proxy). */
export const UNPRINTABLE = '[unprintable value]';

const toStringTag = Object.prototype.toString;

/**
 * @internal `metrics().lastError` for the last failure, whatever it is. Never throws, whatever the
 * value's getters, traps or conversions do:
 * - an `Error` (of any realm): `TypeError: fetch failed`;
 * - a result marked by `isResultFailure` with a numeric `status` (a fetch `Response`, an HTTP
 *   client's response object): `Response 503 Service Unavailable`, or `status 503` for a plain
 *   object;
 * - anything else as `String()` prints it (`ECONNRESET`, `[object Object]`);
 * - when that throws, its `Object.prototype.toString` tag, and `[unprintable value]` when even that
 *   throws (a revoked Proxy).
 */
export function describeFailure(value: unknown): string {
  if (typeof value === 'string') return value;
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return printed(value);
  return asError(value) ?? asResult(value) ?? printed(value);
}

/** `name: message` for an Error; `undefined` for anything else, or when it cannot be read. */
function asError(value: object): string | undefined {
  try {
    if (!(value instanceof Error) && toStringTag.call(value) !== '[object Error]') return undefined;
    const { name, message } = value as { name?: unknown; message?: unknown };
    return `${String(name)}: ${String(message)}`;
  } catch {
    return undefined;
  }
}

/** `Response 503 Service Unavailable` for a value with a numeric `status`; else `undefined`. */
function asResult(value: object): string | undefined {
  try {
    const { status, statusText } = value as { status?: unknown; statusText?: unknown };
    if (typeof status !== 'number') return undefined;
    const kind = (value as { constructor?: { name?: unknown } }).constructor?.name;
    const head = typeof kind === 'string' && kind !== '' && kind !== 'Object' ? kind : 'status';
    return typeof statusText === 'string' && statusText !== ''
      ? `${head} ${status} ${statusText}`
      : `${head} ${status}`;
  } catch {
    return undefined;
  }
}

/** `String(value)`, else its tag, else {@link UNPRINTABLE}. */
function printed(value: unknown): string {
  try {
    return String(value);
  } catch {
    try {
      return toStringTag.call(value);
    } catch {
      return UNPRINTABLE;
    }
  }
}
